import type { AuditChainRow } from '../ports/audit-store';

/** A row as exported: the stored columns plus the door read from its details (0070). */
export type AuditCsvRow = AuditChainRow & { door: string | null };

/**
 * Columns of every audit CSV: the stored row with its chain MACs, so an export can be checked
 * against the log; subjects are HMACs, never names. `door` is last so positional scripts keep
 * working.
 */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'kind',
  'decision',
  'subject_hmac',
  'similarity',
  'details',
  'prev_mac',
  'mac',
  'door',
] as const satisfies readonly (keyof AuditCsvRow)[];

export const AUDIT_CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

export function auditCsvLine(row: AuditCsvRow): string {
  return `${AUDIT_CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
}

/**
 * RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. A field
 * starting with = + - @ (or tab/CR) is prefixed with ' so a spreadsheet does not run it as a
 * formula (CSV injection); `details` JSON never starts so, and a door id read from the log
 * (any text a hand-written row may hold) is treated like any other field.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
