import { StationError } from '../../../shared/errors';
import type { SiteOverview, SiteStatusView } from '../../../shared/site-contract';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

/** `station site status|sync|stations`: where this station stands, and the whole site. */
export async function siteStatusCommand(
  client: CliClient,
  out: Output,
  sub: 'status' | 'sync' | 'stations',
): Promise<number> {
  if (sub === 'stations') {
    const o = await client.call('site:overview', {});
    out.result(o, () => overviewText(o));
    return EXIT.ok;
  }
  if (sub === 'status') {
    const s = await client.call('site:status', { refreshHead: true });
    // The page shows "not in a site"; on the command line it is an error worth an exit code.
    if (!s.joined)
      throw new StationError(
        'SITE_NOT_JOINED',
        'This station has not joined a site (station site join).',
      );
    out.result(s, () => statusText(s));
    return EXIT.ok;
  }
  const { report: r, ...status } = await client.call('site:sync', {});
  out.result({ ...r, status }, () =>
    [
      `Pushed ${r.push.events} audit row(s) (${r.push.duplicates} already there), ${r.push.tombstones} erasure(s), ${r.push.acks} ack(s).`,
      `Pulled ${r.pull.changes} change(s): ${r.pull.people} person(s), +${r.pull.templatesAdded}/-${r.pull.templatesRemoved} template(s), ${r.pull.erased} erased, ${r.pull.access} access record(s); cursor ${r.pull.cursor}.`,
      `Verified ${r.verified} arrived audit row(s) of the site.`,
      ...r.pull.problems.map((p) => `  problem: ${p}`),
    ].join('\n'),
  );
  return EXIT.ok;
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
