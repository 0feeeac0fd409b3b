import type { MembershipChannel } from '../../../shared/contract';
import type { SiteJoinView } from '../../../shared/site-admin-contract';
import type { OperatorRole } from '../../../shared/operator-roles';
import type { StationOpener } from '../../composition/site-membership';
import { membershipClient, stationClient, type CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';
import { withOpenStation } from './cli-station';
import type { SiteArgs } from './site-args';
import { checkSiteEditUsage, siteEditCommand } from './site-edit-command';
import { siteStatusCommand } from './site-status-command';

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

const adminUrl = (v: SiteArgs): string =>
  v['admin-url'] ?? process.env.STATION_SITE_ADMIN_URL ?? '';

/** Numbers the contract checks (a typo reaches its schema as NaN and is refused there). */
const asNumber = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Number(text);

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
      return checkSiteEditUsage(rest, v);
    default:
      return 'unknown site subcommand (try: site init | pair | join | status | sync | stations | revoke | leave | person | schedule | group | door)';
  }
}

const MEMBERSHIP = ['init', 'join', 'pair', 'revoke', 'leave'] as const;
type MembershipStep = (typeof MEMBERSHIP)[number];
const isMembership = (sub: string): sub is MembershipStep =>
  (MEMBERSHIP as readonly string[]).includes(sub);

/**
 * `station site ...`, every subcommand one contract call (or two: a person is found first).
 * The membership steps go to their own handler set without opening the station (they open,
 * write and reopen it themselves); the rest run against the opened station.
 */
export function siteCommand(
  host: { open: StationOpener; dataDir: string; role: OperatorRole },
  out: Output,
  rest: string[],
  v: SiteArgs,
): Promise<number> {
  const sub = rest[0] ?? '';
  if (isMembership(sub)) {
    const client = membershipClient(host.dataDir, host.open, host.role);
    return membershipCommand(client, out, sub, rest[1] ?? '', v);
  }
  return withOpenStation(host.open, (station) => {
    const client = stationClient(station, host.role);
    return sub === 'status' || sub === 'sync' || sub === 'stations'
      ? siteStatusCommand(client, out, sub)
      : siteEditCommand(client, out, rest, v);
  });
}

async function membershipCommand(
  client: CliClient<MembershipChannel>,
  out: Output,
  sub: MembershipStep,
  station: string,
  v: SiteArgs,
): Promise<number> {
  const who = { label: v.label ?? '', doorId: v.door ?? '' };
  switch (sub) {
    case 'init':
    case 'join': {
      const r =
        sub === 'init'
          ? await client.call('site:init', { adminUrl: adminUrl(v), ...who })
          : await client.call('site:join', { url: v.url ?? '', code: v.code ?? '' });
      out.result(r, () => joinText(sub, r));
      return EXIT.ok;
    }
    case 'pair': {
      const ttlHours = asNumber(v['ttl-hours']);
      const r = await client.call('site:pair', {
        adminUrl: adminUrl(v),
        ...who,
        ...(ttlHours === undefined ? {} : { ttlHours }),
      });
      out.result(r, () =>
        [
          `Pairing code for "${who.label}" (${r.stationId}), valid until ${r.expiresAt}, once:`,
          `  ${r.code}`,
          'At the new station run:',
          `  station site join --url '${r.joinUrl}' --code ${r.code}`,
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'revoke': {
      const r = await client.call('site:revoke', {
        adminUrl: adminUrl(v),
        station,
        reason: v.reason ?? 'revoked by the admin',
      });
      out.result(
        r,
        () => `Revoked ${r.label} (${r.stationId}): it receives nothing more from the site.`,
      );
      return EXIT.ok;
    }
    case 'leave': {
      const r = await client.call('site:leave', {});
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
  }
}

function joinText(sub: 'init' | 'join', r: SiteJoinView): string {
  return [
    `${sub === 'init' ? 'Created site' : 'Joined site'} ${r.siteId} as "${r.label}" (station ${r.stationId}, door ${r.doorId}).`,
    r.sync
      ? `First sync: ${r.sync.pull.people} person(s), ${r.sync.pull.templatesAdded} template(s); ${r.sync.push.events} audit row(s) pushed.`
      : `First sync did not complete (${r.syncError ?? 'unknown'}); the station syncs when the site answers.`,
  ].join('\n');
}
