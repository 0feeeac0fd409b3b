/**
 * Which language the UI starts in: the operator's remembered choice, else the station's OS
 * locale (Electron reports app.getLocale() in `station:status`), else the browser's
 * `navigator.languages`, else English. Matching is by language subtag (de-AT -> de).
 */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** localStorage key of the operator's explicit choice (per origin: per station). */
export const LOCALE_STORAGE_KEY = 'station.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first supported language among `preferred` (BCP 47 tags, best first), or null. */
export function matchLocale(preferred: readonly (string | null | undefined)[]): Locale | null {
  for (const tag of preferred) {
    if (!tag) continue;
    const language = tag.toLowerCase().split(/[-_]/)[0];
    if (isLocale(language)) return language;
  }
  return null;
}

export function chooseLocale(sources: {
  stored: string | null;
  station: string | null;
  browser: readonly string[];
}): Locale {
  if (isLocale(sources.stored)) return sources.stored;
  return matchLocale([sources.station]) ?? matchLocale(sources.browser) ?? DEFAULT_LOCALE;
}
