import { StationError } from '../../../shared/errors';
import type { SiteOverview, SiteStatusView } from '../../../shared/site-contract';
import type { Station } from '../../core/station.service';
import {
  initSite,
  joinSite,
  leaveSite,
  pairStation,
  revokeStation,
  type JoinResult,
  type StationOpener,
} from '../../composition/site-membership';
import { EXIT, type Output } from './cli-output';
import type { SiteArgs } from './site-args';
import { siteEditCommand } from './site-edit-command';

/** parseArgs options the site commands add to the CLI (--door and --file are shared). */
export const SITE_OPTIONS = {
  url: { type: 'string' },
  'admin-url': { type: 'string' },
  code: { type: 'string' },
  label: { type: 'string' },
  'ttl-hours': { type: 'string' },
  reason: { type: 'string' },
  'expect-version': { type: 'string' },
  'employee-id': { type: 'string' },
  // --groups (a,b) is shared with calibrate's --groups CSV: one string option.
  schedule: { type: 'string' },
  site: { type: 'boolean', default: false },
  station: { type: 'string' },
} as const;

export const SITE_USAGE = `  site init --admin-url URL --label L --door ID
                                         create a site on PostgreSQL (URL: its owner login);
                                         this station becomes its first member
  site pair --admin-url URL --label L --door ID [--ttl-hours N]
                                         a one-time code (and join URL) for a new station
  site join --url URL --code CODE        join a site with the URL and code from \`site pair\`
  site status                            this station's site: sync position, what waits
  site sync                              push, pull and verify now
  site stations                          every station (last seen, lag), erasures and acks
  site revoke STATION --admin-url URL [--reason TEXT]
                                         the station receives nothing more
  site leave                             erase the site's people here and forget the site
  site person set NAME-or-ID [--employee-id X] [--groups a,b] [--schedule S] [--expect-version N]
  site schedule set NAME --file WINDOWS.json | site schedule delete NAME
  site group set NAME [--schedule S] | site group delete NAME
  site door set --file SETTINGS.json     this door's settings, for every station of the door
                                         (writes take --expect-version N: else the version held here)
  (the admin URL may also come from $STATION_SITE_ADMIN_URL)`;

export type { SiteArgs };

const adminUrl = (v: SiteArgs): string | undefined =>
  v['admin-url'] ?? process.env.STATION_SITE_ADMIN_URL;

/** A usage error for `station site ...`, or null when the arguments are complete. */
export function checkSiteUsage(rest: string[], v: SiteArgs): string | null {
  const [sub, ...args] = rest;
  const needAdmin = () =>
    adminUrl(v) ? null : `site ${sub} needs --admin-url URL (the site owner's login)`;
  switch (sub ?? '') {
    case 'init':
    case 'pair':
      if (args.length > 0) return `unexpected arguments: ${args.join(' ')}`;
      if (!v.label?.trim() || !v.door?.trim())
        return `site ${sub} needs --label TEXT and --door ID`;
      if (v['ttl-hours'] !== undefined && !(Number(v['ttl-hours']) > 0))
        return '--ttl-hours must be > 0';
      return needAdmin();
    case 'join':
      return v.url && v.code
        ? null
        : 'site join needs --url URL and --code CODE (from `station site pair`)';
    case 'status':
    case 'sync':
    case 'stations':
    case 'leave':
      return args.length === 0 ? null : `unexpected arguments: ${args.join(' ')}`;
    case 'revoke':
      return args.length === 1
        ? needAdmin()
        : 'site revoke needs one STATION (id, label or door id)';
    case 'person':
    case 'schedule':
    case 'group':
    case 'door':
      return null; // checked by siteEditCommand, which knows each form
    default:
      return 'unknown site subcommand (try: site init | pair | join | status | sync | stations | revoke | leave | person | schedule | group | door)';
  }
}

/** `station site ...`; opens the station itself, only for the subcommands that need it. */
export async function siteCommand(
  open: StationOpener,
  dataDir: string,
  out: Output,
  rest: string[],
  v: SiteArgs,
): Promise<number> {
  const sub = rest[0] ?? '';
  if (sub === 'pair') {
    const r = await pairStation(dataDir, adminUrl(v)!, {
      label: v.label!.trim(),
      doorId: v.door!.trim(),
      ttlHours: v['ttl-hours'] === undefined ? undefined : Number(v['ttl-hours']),
    });
    out.result(r, () =>
      [
        `Pairing code for "${v.label}" (${r.stationId}), valid until ${r.expiresAt}, once:`,
        `  ${r.code}`,
        'At the new station run:',
        `  station site join --url '${r.joinUrl}' --code ${r.code}`,
      ].join('\n'),
    );
    return EXIT.ok;
  }
  if (sub === 'revoke') {
    const r = await revokeStation(adminUrl(v)!, rest[1]!, v.reason ?? 'revoked by the admin');
    out.result(
      r,
      () => `Revoked ${r.label} (${r.stationId}): it receives nothing more from the site.`,
    );
    return EXIT.ok;
  }
  const station = await open();
  try {
    return await withStation(station, open, dataDir, out, rest, v);
  } finally {
    await station.site?.close();
    station.close();
  }
}

async function withStation(
  station: Station,
  open: StationOpener,
  dataDir: string,
  out: Output,
  rest: string[],
  v: SiteArgs,
): Promise<number> {
  const sub = rest[0] ?? '';
  switch (sub) {
    case 'init':
    case 'join': {
      const r =
        sub === 'init'
          ? await initSite(station, open, dataDir, adminUrl(v)!, {
              label: v.label!.trim(),
              doorId: v.door!.trim(),
            })
          : await joinSite(station, open, dataDir, v.url!, v.code!);
      out.result(r, () => joinText(sub, r));
      return EXIT.ok;
    }
    case 'leave': {
      const r = await leaveSite(station, dataDir);
      out.result(
        r,
        () =>
          `Left the site: ${r.erased} site person(s) erased here (${r.verified ? 'verified' : 'verification FAILED'}); ` +
          (r.told
            ? 'the site was told.'
            : 'the site could not be reached and was NOT told (an admin can revoke this station).'),
      );
      return r.verified ? EXIT.ok : EXIT.failed;
    }
    default:
      break;
  }
  const site = station.site;
  if (!site)
    throw new StationError(
      'SITE_NOT_JOINED',
      'This station has not joined a site (station site join).',
    );
  switch (sub) {
    case 'status': {
      await site.sync.refreshHead();
      const s = site.status();
      out.result(s, () => statusText(s));
      return EXIT.ok;
    }
    case 'sync': {
      const r = await site.sync.syncNow();
      out.result({ ...r, status: site.status() }, () =>
        [
          `Pushed ${r.push.events} audit row(s) (${r.push.duplicates} already there), ${r.push.tombstones} erasure(s), ${r.push.acks} ack(s).`,
          `Pulled ${r.pull.changes} change(s): ${r.pull.people} person(s), +${r.pull.templatesAdded}/-${r.pull.templatesRemoved} template(s), ${r.pull.erased} erased, ${r.pull.access} access record(s); cursor ${r.pull.cursor}.`,
          `Verified ${r.verified} arrived audit row(s) of the site.`,
          ...r.pull.problems.map((p) => `  problem: ${p}`),
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'stations': {
      const o = await site.overview();
      out.result(o, () => overviewText(o));
      return EXIT.ok;
    }
    default:
      return siteEditCommand(station, site.sync, out, rest, v);
  }
}

function joinText(sub: string, r: JoinResult): string {
  return [
    `${sub === 'init' ? 'Created site' : 'Joined site'} ${r.siteId} as "${r.label}" (station ${r.stationId}, door ${r.doorId}).`,
    r.sync
      ? `First sync: ${r.sync.pull.people} person(s), ${r.sync.pull.templatesAdded} template(s); ${r.sync.push.events} audit row(s) pushed.`
      : `First sync did not complete (${r.syncError ?? 'unknown'}); the station syncs when the site answers.`,
  ].join('\n');
}

function statusText(s: SiteStatusView): string {
  return [
    `Site ${s.siteId}: station "${s.label}" (${s.stationId}), door ${s.doorId}`,
    `  ${s.revoked ? 'REVOKED: run `station site leave`' : s.online ? 'online' : 'offline (deciding from the local replica)'}${s.lastError ? `; last error: ${s.lastError}` : ''}`,
    `  cursor ${s.cursor}${s.head === null ? '' : ` of ${s.head} (lag ${s.lag})`}; ${s.people} site person(s) here`,
    `  audit rows pushed up to #${s.pushedSeq}, ${s.auditPending} waiting; ${s.pendingErasures} erasure(s) not yet acknowledged`,
    `  last pull ${s.lastPullAt ?? 'never'}, last push ${s.lastPushAt ?? 'never'}`,
  ].join('\n');
}

function overviewText(o: SiteOverview): string {
  const lines = [`Site head: change ${o.head}`, 'Stations:'];
  for (const s of o.stations) {
    lines.push(
      `  ${s.label.padEnd(20)} ${s.doorId.padEnd(12)} last seen ${s.lastSeenAt ?? 'never'}  lag ${s.lag}  audit ${s.auditRows} (${s.unverified} unverified)${s.revokedAt ? `  REVOKED ${s.revokedAt} (${s.revokedReason ?? ''})` : ''}`,
    );
  }
  lines.push('Erasures:');
  for (const e of o.erasures) {
    const acks = e.acks
      .map((a) => `${a.label} ${a.ackedAt}${a.verified ? '' : ' NOT VERIFIED'}`)
      .join(', ');
    const pending = e.pending.map((p) => p.label).join(', ');
    lines.push(
      `  ${e.personId} erased ${e.erasedAt}: acknowledged by ${acks || 'nobody yet'}${pending ? `; waiting for ${pending}` : ''}`,
    );
  }
  if (o.flags.length > 0) lines.push('Audit flags:');
  for (const f of o.flags) lines.push(`  ${f.label} row ${f.seq}: ${f.problem}: ${f.detail}`);
  return lines.join('\n');
}
