import { MAX_DOOR_FILTER_LENGTH } from '../../../shared/audit-review';
import { StationError } from '../../../shared/errors';
import { toIsoInstant } from '../../../shared/audit-review';
import { AUDIT_CSV_COLUMNS, csvField } from '../../core/audit/audit-csv';
import type { PersonRef } from '../../../shared/domain';
import type { SiteAuditLogPage, SiteAuditLogRow } from '../../../shared/site-contract';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

export interface SiteAuditArgs {
  person?: string | undefined;
  door?: string | undefined;
  station?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  csv: boolean;
}

/** Columns of the site's CSV: the station's columns, its row id replaced by station and sequence. */
const SITE_CSV_COLUMNS = ['station_id', 'seq', ...AUDIT_CSV_COLUMNS.slice(1)] as const;

/**
 * `station audit verify|query|export --site`: the site's log (every door) instead of this
 * station's, with the same filters and name rules; `--station ID` narrows it to one station.
 * Every read is a contract call (site:audit-verify, site:audit-log, site:overview).
 */
export async function siteAuditCommand(
  client: CliClient,
  out: Output,
  rest: string[],
  v: SiteAuditArgs,
  write: (chunk: string) => void = (c) => process.stdout.write(c),
): Promise<number> {
  switch (rest[0] ?? '') {
    case 'verify': {
      const r = await client.call('site:audit-verify', {});
      out.result(r, () =>
        [
          r.ok ? 'Site audit log intact:' : 'Site audit log BROKEN:',
          ...r.stations.map((s) =>
            s.ok
              ? `  ${s.label} (${s.doorId}): ${s.rows} rows verified`
              : `  ${s.label} (${s.doorId}): BROKEN at row ${s.firstBrokenRow}: ${s.reason}`,
          ),
        ].join('\n'),
      );
      return r.ok ? EXIT.ok : EXIT.failed;
    }
    case 'query': {
      let people: PersonRef[] = [];
      const events: SiteAuditLogRow[] = [];
      for await (const page of logPages(client, v)) {
        people = page.people;
        events.push(...page.rows);
      }
      out.result({ people, events }, () =>
        [
          `${events.length} event(s) in the site's log`,
          ...events.map(
            (e) =>
              `  ${e.stationId.slice(0, 8)}#${e.seq}  ${e.at}  ${e.kind.padEnd(9)} ${(e.door ?? '-').padEnd(10)} ${e.decision ?? '-'}${e.similarity === null ? '' : `  similarity ${e.similarity.toFixed(4)}`}`,
          ),
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'export':
      await exportCsv(client, v, write);
      return EXIT.ok;
    default:
      throw new StationError('BAD_REQUEST', 'audit --site supports verify, query and export');
  }
}

/** The CSV of the site's log, written page by page as the pages arrive. */
async function exportCsv(client: CliClient, v: SiteAuditArgs, write: (chunk: string) => void) {
  write(`${SITE_CSV_COLUMNS.join(',')}\r\n`);
  for await (const page of logPages(client, v)) {
    const lines = page.rows.map((r) =>
      [
        r.stationId,
        r.seq,
        r.at,
        r.kind,
        r.decision,
        r.subjectHmac,
        r.similarity,
        r.details,
        r.prevMac,
        r.mac,
        r.door,
      ]
        .map((c) => csvField(c))
        .join(','),
    );
    if (lines.length > 0) write(`${lines.join('\r\n')}\r\n`);
  }
}

/** The site's log oldest first, one page per contract call until its last. */
async function* logPages(client: CliClient, v: SiteAuditArgs): AsyncGenerator<SiteAuditLogPage> {
  const filter = {
    ...(v.person?.trim() ? { person: v.person.trim() } : {}),
    ...(v.door === undefined ? {} : { door: v.door }),
    ...(v.from === undefined ? {} : { from: toIsoInstant(v.from) ?? v.from }),
    ...(v.to === undefined ? {} : { to: toIsoInstant(v.to) ?? v.to }),
  };
  const station = v.station === undefined ? undefined : await resolveStation(client, v.station);
  let cursor: string | undefined;
  do {
    const page = await client.call('site:audit-log', {
      filter,
      ...(station ? { station } : {}),
      ...(cursor ? { cursor } : {}),
    });
    yield page;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** A station filter by id, label or door id, through the site's station list. */
async function resolveStation(client: CliClient, nameOrId: string): Promise<string> {
  if (nameOrId.length > MAX_DOOR_FILTER_LENGTH + 16)
    throw new StationError('BAD_REQUEST', '--station is too long');
  const { stations } = await client.call('site:overview', {});
  const found = stations.filter(
    (s) =>
      s.stationId === nameOrId ||
      s.label.toLowerCase() === nameOrId.toLowerCase() ||
      s.doorId === nameOrId,
  );
  if (found.length !== 1) {
    throw new StationError(
      'BAD_REQUEST',
      found.length === 0
        ? `No station of the site matches "${nameOrId}".`
        : `${found.length} stations match "${nameOrId}"; use the station id.`,
    );
  }
  return found[0]!.stationId;
}
