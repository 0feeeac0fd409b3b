import type { SiteMigration } from './site-migration.types';

/**
 * Sealed templates stay in their table row instead of PostgreSQL's TOAST table. A sealed
 * 512-d template (2,076 bytes) makes its row just over the ~2 KB toast threshold, so each one
 * was first tried for compression (ciphertext never compresses) and then moved out of line:
 * every template a station pulls cost a second index lookup and two chunk reads. STORAGE MAIN
 * keeps it inline (three rows to a page) and only moves a value out when a row could not fit
 * in a page at all. Rows written before this keep their place until rewritten.
 */
export const siteMigration0060: SiteMigration = {
  version: 60,
  name: 'site-template-inline',
  async up(c) {
    await c.query('ALTER TABLE site.templates ALTER COLUMN sealed SET STORAGE MAIN');
  },
};
