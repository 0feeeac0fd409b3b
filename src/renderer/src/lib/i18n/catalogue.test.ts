import { describe, expect, it } from 'vitest';
import { consentText } from '../../../../shared/consent';
import { de } from './de';
import { en } from './en';
import { I18n } from './i18n';
import { chooseLocale, matchLocale } from './locale-choice';
import type { Message } from './message-types';
import { fillMessage } from './translate';

const placeholders = (m: Message): string[] => {
  const texts = typeof m === 'string' ? [m] : Object.values(m);
  const names = new Set(texts.flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1])));
  if (typeof m !== 'string') names.add('count');
  return [...names].sort() as string[];
};

describe('message catalogue', () => {
  it('German has exactly the English keys, with the same placeholders and plural shape', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, source] of Object.entries(en) as [keyof typeof en, Message][]) {
      const translated: Message = de[key];
      expect({ key, params: placeholders(translated) }).toEqual({
        key,
        params: placeholders(source),
      });
      expect({ key, plural: typeof translated }).toEqual({ key, plural: typeof source });
      expect(translated, key).not.toEqual('');
    }
  });

  it('the enrolment consent shown in English is the versioned text main records', () => {
    expect(fillMessage(en['enroll.consentText'], 'en', { who: 'Ada' })).toBe(consentText('Ada'));
  });

  it('fills placeholders, picks plural forms per language and formats numbers', () => {
    expect(fillMessage(en['terminal.faces'], 'en', { count: 1 })).toBe('1 face in view');
    expect(fillMessage(en['terminal.faces'], 'en', { count: 0 })).toBe('0 faces in view');
    expect(fillMessage(de['terminal.faces'], 'de', { count: 1 })).toBe('1 Gesicht im Bild');
    expect(fillMessage(de['nav.people'], 'de', { count: 1234 })).toBe('1.234 Personen');
    expect(fillMessage(en['nav.people'], 'en', { count: 1234 })).toBe('1,234 people');
    // A missing value stays visible instead of vanishing.
    expect(fillMessage('Hello {name}', 'en', {})).toBe('Hello {name}');
  });

  it('chooses the remembered language, else the station OS locale, else the browser, else en', () => {
    expect(matchLocale(['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(chooseLocale({ stored: 'de', station: 'en-US', browser: ['en'] })).toBe('de');
    expect(chooseLocale({ stored: null, station: 'de-DE', browser: ['en'] })).toBe('de');
    expect(chooseLocale({ stored: 'xx', station: null, browser: ['de-CH'] })).toBe('de');
    expect(chooseLocale({ stored: null, station: null, browser: ['fr'] })).toBe('en');
  });

  it('switches language and shows dates in the station time zone', () => {
    const i18n = new I18n({ stored: null, browser: ['en-GB'] });
    expect(i18n.t('terminal.granted', { name: 'Ada' })).toBe('Access granted: Ada');
    i18n.useStation({ locale: null, timeZone: 'Asia/Tokyo' });
    const at = '2026-12-07T23:30:00Z';
    expect(i18n.formatDate(at, 'time')).toBe('8:30:00 AM');
    i18n.choose('de');
    expect(i18n.t('terminal.granted', { name: 'Ada' })).toBe('Zutritt gewährt: Ada');
    expect(i18n.formatDate(at, 'date')).toBe('08.12.2026');
    // The operator's choice outlives a later status report with another OS locale.
    i18n.useStation({ locale: 'en-US', timeZone: 'UTC' });
    expect(i18n.locale).toBe('de');
    expect(i18n.formatDate(at, 'time')).toBe('23:30:00');
  });
});
