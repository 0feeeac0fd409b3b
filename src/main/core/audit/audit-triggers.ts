import type { TriggerGuard } from '../ports/storage';
import type { AuditRecorder } from './audit-recorder';

/**
 * At every start: the triggers that keep the audit log append-only (and guard its head,
 * checkpoints and anchor) must be the ones the migrations created. Someone with file access
 * may drop or rewrite them before editing the log (the MAC chain still catches the edits);
 * the station puts them back, records an `integrity` audit row naming them, and returns the
 * warning for the host to show. Returns [] when nothing was changed.
 */
export function restoreDroppedTriggers(
  guard: TriggerGuard,
  audit: Pick<AuditRecorder, 'record'>,
): string[] {
  const f = guard.check();
  if (f.missing.length + f.altered.length + f.unexpected.length === 0) return [];
  guard.restore(f);
  const parts = [
    f.missing.length ? `dropped: ${f.missing.join(', ')}` : '',
    f.altered.length ? `altered: ${f.altered.join(', ')}` : '',
    f.unexpected.length ? `unknown, removed: ${f.unexpected.join(', ')}` : '',
  ].filter(Boolean);
  const note =
    `the database's guard triggers were changed outside the station (${parts.join('; ')}); ` +
    'they were restored. Run `station audit verify` to see whether the log was edited.';
  try {
    audit.record({
      kind: 'integrity',
      decision: null,
      personId: null,
      similarity: null,
      details: { what: 'triggers', ...f, action: 'restored' },
    });
    return [note];
  } catch (err) {
    return [
      note,
      `the finding could not be logged: ${err instanceof Error ? err.message : String(err)}`,
    ];
  }
}
