import type { TriggerGuard } from '../ports/storage';
import type { AuditRecorder } from './audit-recorder';

/**
 * Restores the audit log's append-only triggers if someone with file access dropped or rewrote
 * them, records an `integrity` audit row and returns the warning for the host. Returns [] when
 * nothing changed.
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
