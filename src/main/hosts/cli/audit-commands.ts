import { MAX_DOOR_FILTER_LENGTH } from '../../../shared/audit-review';
import type { AuditLogPage, AuditLogRow } from '../../../shared/cli-reports';
import type { PersonRef } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import { AUDIT_CSV_HEADER, auditCsvLine, csvField } from '../../core/audit/audit-csv';
import { toView, type AuditLogFilter } from '../../core/audit/audit-review.service';
import { checkOlderThan, purgeCommand } from './audit-purge-command';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

/** parseArgs options the audit commands add to the CLI. */
export const AUDIT_OPTIONS = {
  person: { type: 'string' },
  door: { type: 'string' },
  csv: { type: 'boolean', default: false },
  from: { type: 'string' },
  to: { type: 'string' },
  'older-than': { type: 'string' },
} as const;

export const AUDIT_USAGE = `  audit verify                           check the audit log's MAC chain (exit 1 if broken)
  audit query [--person NAME-or-ID] [--door ID] [--from ISO] [--to ISO]
                                         list a person's and/or a door's audit events
  audit export --csv [--from ISO] [--to ISO] [--door ID]
                                         audit rows as CSV (from <= at < to); hashes, no names
  audit purge [--older-than DAYS]        delete events older than DAYS (default: the retention
                                         setting), keeping the chain verifiable; audited`;

export interface AuditArgs {
  person?: string | undefined;
  door?: string | undefined;
  csv: boolean;
  from?: string | undefined;
  to?: string | undefined;
  'older-than'?: string | undefined;
}

/** Returns a usage error for `station audit ...`, or null when the arguments are complete. */
export function checkAuditUsage(rest: string[], v: AuditArgs, site = false): string | null {
  const [sub, ...extra] = rest;
  if (extra.length > 0) return `unexpected arguments: ${extra.join(' ')}`;
  if (site && sub === 'purge') return "audit purge works on this station's log only (not --site)";
  // The site's log may be listed whole (the station filter narrows it instead of a person).
  if (site && sub === 'query') return checkFilterFlags(v);
  switch (sub ?? '') {
    case 'verify':
      return null;
    case 'query':
      if (!v.person?.trim() && v.door === undefined)
        return 'audit query needs --person NAME-or-ID and/or --door ID';
      return checkFilterFlags(v);
    case 'export':
      if (!v.csv) return 'audit export needs --csv (the only export format)';
      return checkFilterFlags(v);
    case 'purge':
      return checkOlderThan(v['older-than']);
    default:
      return 'unknown audit subcommand (try: audit verify | audit query | audit export | audit purge)';
  }
}

/** `station audit verify|query|export`; arguments were checked by checkAuditUsage. */
export async function auditCommand(
  client: CliClient,
  out: Output,
  rest: string[],
  v: AuditArgs,
  write: (chunk: string) => void = (c) => process.stdout.write(c),
): Promise<number> {
  switch (rest[0] ?? '') {
    case 'verify':
      return verifyAudit(client, out);
    case 'query':
      return queryAudit(client, out, v);
    case 'export':
      await exportCsv(client, logFilter(v), write);
      return EXIT.ok;
    case 'purge':
      return purgeCommand(client, out, v['older-than']);
    default:
      throw new StationError('BAD_REQUEST', `unknown audit subcommand: ${rest[0] ?? ''}`);
  }
}

async function verifyAudit(client: CliClient, out: Output): Promise<number> {
  const report = await client.call('audit:verify', {});
  out.result(report, () =>
    report.ok
      ? `Audit log intact: ${report.rows} rows verified.`
      : `Audit log BROKEN at row ${report.firstBrokenRow}: ${report.reason} (${report.rows} rows verified before it)`,
  );
  return report.ok ? EXIT.ok : EXIT.failed;
}

function checkFilterFlags(v: AuditArgs): string | null {
  for (const [flag, value] of [
    ['--from', v.from],
    ['--to', v.to],
  ] as const) {
    if (value !== undefined && toIso(value) === null) return `${flag} is not an ISO date: ${value}`;
  }
  if (v.door !== undefined && (v.door.length === 0 || v.door.length > MAX_DOOR_FILTER_LENGTH))
    return `--door needs a door id of 1-${MAX_DOOR_FILTER_LENGTH} characters (see \`station door show\`)`;
  return null;
}

/** The command line's filters, normalised like the review UI's (arguments already checked). */
function logFilter(v: AuditArgs): AuditLogFilter {
  const person = v.person?.trim();
  const from = v.from === undefined ? null : toIso(v.from);
  const to = v.to === undefined ? null : toIso(v.to);
  return {
    ...(person ? { person } : {}),
    ...(v.door === undefined ? {} : { door: v.door }),
    ...(from === null ? {} : { from }),
    ...(to === null ? {} : { to }),
  };
}

/**
 * The log's pages in log (id) order through `audit:log`, one page at a time; the first page
 * also says whom a person filter matched (PERSON_NOT_FOUND for an unknown name).
 */
async function* logPages(client: CliClient, filter: AuditLogFilter): AsyncGenerator<AuditLogPage> {
  let afterId: number | undefined;
  for (;;) {
    const page = await client.call('audit:log', {
      filter,
      ...(afterId === undefined ? {} : { afterId }),
    });
    yield page;
    if (page.nextAfterId === null) return;
    afterId = page.nextAfterId;
  }
}

/** A person's and/or a door's events in log (id) order. */
async function queryAudit(client: CliClient, out: Output, v: AuditArgs): Promise<number> {
  const filter = logFilter(v);
  let people: PersonRef[] | undefined;
  const rows: AuditLogRow[] = [];
  for await (const page of logPages(client, filter)) {
    people ??= page.people;
    rows.push(...page.rows);
  }
  const matched = people ?? [];
  const events = rows.map(toView);
  const whose = [
    ...(matched.length > 0 ? [matched.map((p) => `${p.name} (${p.id})`).join(', ')] : []),
    ...(filter.door === undefined ? [] : [`door ${filter.door}`]),
  ].join(' at ');
  out.result({ people: matched, events }, () =>
    [
      `${events.length} event(s) for ${whose}`,
      ...events.map(
        (e) =>
          `  #${e.id}  ${e.at}  ${e.kind.padEnd(9)} ${(e.door ?? '-').padEnd(10)} ${e.decision ?? '-'}${e.similarity === null ? '' : `  similarity ${e.similarity.toFixed(4)}`}`,
      ),
    ].join('\n'),
  );
  return EXIT.ok;
}

/** Streams CSV page by page, in ~64 KB writes, so a million-row export never sits in memory. */
async function exportCsv(
  client: CliClient,
  filter: AuditLogFilter,
  write: (chunk: string) => void,
): Promise<void> {
  let buf = AUDIT_CSV_HEADER;
  for await (const page of logPages(client, filter)) {
    for (const row of page.rows) {
      buf += auditCsvLine(row);
      if (buf.length >= 65536) {
        write(buf);
        buf = '';
      }
    }
  }
  write(buf);
}

/** Re-exported: the CSV format lives with the audit core (the review UI exports it too). */
export { csvField };

/** Stored `at` values are Date.toISOString(), so bounds are normalised to the same form. */
function toIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
