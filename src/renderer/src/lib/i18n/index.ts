/**
 * The renderer's message catalogue: every text people read goes through `t(key, params)`.
 * English (en/) is the source; German (de/) must have every key. Dates and times go through
 * `i18n.formatDate` (UI language, station time zone).
 */
export { i18n, t, LOCALES, type Locale, type MessageKey } from './i18n';
