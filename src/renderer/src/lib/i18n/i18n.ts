import { createSubscriber } from 'svelte/reactivity';
import { de } from './de';
import { en } from './en';
import {
  chooseLocale,
  DEFAULT_LOCALE,
  LOCALE_STORAGE_KEY,
  type Locale,
  isLocale,
} from './locale-choice';
import type { Message, ParamNames, ParamValue } from './message-types';
import { fillMessage } from './translate';

export type { Locale } from './locale-choice';
export { LOCALES } from './locale-choice';

type Source = typeof en;
export type MessageKey = keyof Source;

/** `t(key)` for a message without placeholders, `t(key, { name })` for one with them. */
export type ParamsArg<K extends MessageKey> = [ParamNames<Source[K]>] extends [never]
  ? []
  : [params: Record<ParamNames<Source[K]>, ParamValue>];

const CATALOGUES: Record<Locale, Readonly<Record<MessageKey, Message>>> = { en, de };

type DateStyle = 'dateTime' | 'date' | 'time';
const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  dateTime: { dateStyle: 'medium', timeStyle: 'medium' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'medium' },
};

/**
 * The UI language and the station's time zone. Plain TypeScript with a Svelte subscriber:
 * templates and $derived values that call `t()` re-render when the language changes, and the
 * module also runs (in English) under Node for unit tests.
 */
export class I18n {
  #locale: Locale;
  #timeZone: string | undefined;
  #chosen: boolean;
  #listeners = new Set<() => void>();
  #formats = new Map<string, Intl.DateTimeFormat>();
  readonly #subscribe = createSubscriber((update) => {
    this.#listeners.add(update);
    return () => this.#listeners.delete(update);
  });

  constructor(initial: { stored: string | null; browser: readonly string[] }) {
    this.#chosen = isLocale(initial.stored);
    this.#locale = chooseLocale({ ...initial, station: null });
  }

  get locale(): Locale {
    this.#subscribe();
    return this.#locale;
  }

  /** The IANA zone dates are shown in: the station's (from `station:status`) once known. */
  get timeZone(): string | undefined {
    this.#subscribe();
    return this.#timeZone;
  }

  /** The operator picked a language: switch now and remember it for this station's pages. */
  choose(locale: Locale): void {
    this.#chosen = true;
    writeStored(locale);
    this.set(locale, this.#timeZone);
  }

  /**
   * What the station reported: its time zone always applies; its OS locale only while the
   * operator has not chosen a language here.
   */
  useStation(station: { locale: string | null; timeZone: string }): void {
    const locale = this.#chosen
      ? this.#locale
      : chooseLocale({ stored: null, station: station.locale, browser: browserLanguages() });
    this.set(locale, station.timeZone);
  }

  t<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string {
    const locale = this.locale;
    const message = CATALOGUES[locale][key] ?? en[key];
    return fillMessage(message, locale, params[0]);
  }

  /** An instant in the station's time zone, in the UI language. */
  formatDate(value: string | number | Date, style: DateStyle = 'dateTime'): string {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return this.dateFormat(style).format(date);
  }

  private dateFormat(style: DateStyle): Intl.DateTimeFormat {
    const locale = this.locale;
    const timeZone = this.timeZone;
    const id = `${locale}|${timeZone ?? ''}|${style}`;
    let format = this.#formats.get(id);
    if (!format) {
      format = makeDateFormat(locale, timeZone, DATE_OPTIONS[style]);
      this.#formats.set(id, format);
    }
    return format;
  }

  private set(locale: Locale, timeZone: string | undefined): void {
    if (locale === this.#locale && timeZone === this.#timeZone) return;
    this.#locale = locale;
    this.#timeZone = timeZone;
    const root = page().document?.documentElement;
    if (root) root.lang = locale;
    for (const update of this.#listeners) update();
  }
}

/** An unknown zone name (a typo in the door settings) falls back to the machine's zone. */
function makeDateFormat(
  locale: Locale,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(locale, options);
  }
}

/**
 * The page globals this module uses, typed without the DOM library: the same file is imported
 * by Node unit tests (through modules that call `t()`), where none of them exist.
 */
interface PageGlobals {
  navigator?: { languages?: readonly string[] };
  localStorage?: { getItem(key: string): string | null; setItem(key: string, v: string): void };
  document?: { documentElement?: { lang: string } };
}
// Widened through `object`: Node's globalThis type shares no member with PageGlobals.
const pageGlobals: object = globalThis;
const page = (): PageGlobals => pageGlobals;

function browserLanguages(): readonly string[] {
  return page().navigator?.languages ?? [];
}

function readStored(): string | null {
  try {
    return page().localStorage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeStored(locale: Locale): void {
  try {
    page().localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Storage refused (private mode, sandbox): the choice lasts for this page only.
  }
}

/** The page's one language state. */
export const i18n = new I18n({ stored: readStored(), browser: browserLanguages() });

/** Shorthand for components and state classes: `t('terminal.granted', { name })`. */
export function t<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string {
  return i18n.t(key, ...params);
}

export { DEFAULT_LOCALE };
