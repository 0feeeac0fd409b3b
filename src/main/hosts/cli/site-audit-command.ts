import { MAX_DOOR_FILTER_LENGTH } from '../../../shared/audit-review';
import { StationError } from '../../../shared/errors';
import { toIsoInstant } from '../../../shared/audit-review';
import { AUDIT_CSV_COLUMNS, csvField } from '../../core/audit/audit-csv';
import type { CentralAuditRow } from '../../core/site/site-ports';
import type { Station } from '../../core/station.service';
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
 */
export async function siteAuditCommand(
  station: Station,
  client: CliClient,
  out: Output,
  rest: string[],
  v: SiteAuditArgs,
  write: (chunk: string) => void = (c) => process.stdout.write(c),
): Promise<number> {
  const site = station.site;
  if (!site)
    throw new StationError('SITE_NOT_JOINED', '--site needs a station that joined a site.');
  const stationId = v.station === undefined ? undefined : await resolveStation(station, v.station);
  const filter = {
    ...(v.person?.trim() ? { person: v.person.trim() } : {}),
    ...(v.door === undefined ? {} : { door: v.door }),
    ...(v.from === undefined ? {} : { from: toIsoInstant(v.from) ?? v.from }),
    ...(v.to === undefined ? {} : { to: toIsoInstant(v.to) ?? v.to }),
  };
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
      const people = site.review.peopleOf(filter.person);
      const events: CentralAuditRow[] = [];
      for await (const row of site.review.inLogOrder(filter, stationId)) events.push(row);
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
    case 'export': {
      let buf = `${SITE_CSV_COLUMNS.join(',')}\r\n`;
      for await (const r of site.review.inLogOrder(filter, stationId)) {
        const cells = [
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
        ];
        buf += `${cells.map((c) => csvField(c)).join(',')}\r\n`;
        if (buf.length >= 65536) {
          write(buf);
          buf = '';
        }
      }
      write(buf);
      return EXIT.ok;
    }
    default:
      throw new StationError('BAD_REQUEST', 'audit --site supports verify, query and export');
  }
}

/** A station filter by id, label or door id, through the site's station list. */
async function resolveStation(station: Station, nameOrId: string): Promise<string> {
  if (nameOrId.length > MAX_DOOR_FILTER_LENGTH + 16)
    throw new StationError('BAD_REQUEST', '--station is too long');
  const stations = (await station.site!.overview()).stations;
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
