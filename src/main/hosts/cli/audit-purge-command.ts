import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

/** Returns a usage error for `--older-than`, or null (absent = the retention setting). */
export function checkOlderThan(value: string | undefined): string | null {
  if (value === undefined) return null;
  return /^[1-9]\d{0,4}$/.test(value)
    ? null
    : `--older-than needs a whole number of days (1 or more), not "${value}"`;
}

/** `station audit purge [--older-than DAYS]`: the audited retention purge. */
export async function purgeCommand(
  client: CliClient,
  out: Output,
  olderThan: string | undefined,
): Promise<number> {
  const report = await client.call(
    'audit:purge',
    olderThan === undefined ? {} : { olderThanDays: Number(olderThan) },
  );
  out.result(report, () =>
    [
      `Purged ${report.purged} audit event(s) logged before ${report.cutoff} (older than ${report.olderThanDays} days).`,
      report.checkpoint
        ? `Chain checkpoint at row ${report.checkpoint.boundaryId} (${report.checkpoint.purgedRows} rows purged in all); the purge is logged as row ${report.auditEventId}.`
        : `Nothing was ever purged; the purge is logged as row ${report.auditEventId}.`,
    ].join('\n'),
  );
  return EXIT.ok;
}
