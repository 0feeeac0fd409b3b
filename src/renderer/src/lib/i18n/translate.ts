import type { Message, ParamValue } from './message-types';

/**
 * Fills one message for `locale`: picks the plural form by `params.count` (Intl.PluralRules),
 * then replaces `{name}` placeholders. Numbers are formatted for the locale (1,234 / 1.234); a
 * placeholder without a value stays visible as `{name}` rather than vanishing silently.
 */
export function fillMessage(
  message: Message,
  locale: string,
  params: Readonly<Record<string, ParamValue>> = {},
): string {
  const template = typeof message === 'string' ? message : pluralForm(message, locale, params);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  });
}

function pluralForm(
  message: Exclude<Message, string>,
  locale: string,
  params: Readonly<Record<string, ParamValue>>,
): string {
  const count = typeof params.count === 'number' ? params.count : Number(params.count);
  const category = pluralRules(locale).select(Number.isFinite(count) ? count : 0);
  return message[category] ?? message.other;
}

const pluralCache = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let rules = pluralCache.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralCache.set(locale, rules);
  }
  return rules;
}

const numberCache = new Map<string, Intl.NumberFormat>();
/** Integers as counts (grouped), other numbers with up to 3 decimals. */
export function formatNumber(value: number, locale: string): string {
  let format = numberCache.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
    numberCache.set(locale, format);
  }
  return format.format(value);
}
