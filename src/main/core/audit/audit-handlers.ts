import { actorOf, type CallerContext, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';
import type { Viewer } from './reviewer-views.service';

type AuditChannel =
  | 'audit:recent'
  | 'audit:query'
  | 'audit:export'
  | 'audit:since'
  | 'audit:attendance'
  | 'audit:detail'
  | 'audit:verify'
  | 'audit:doors'
  | 'audit:purge'
  | 'audit:log';

/** The role looking at names, for the reveal audit row; 'open' while no passphrase is set. */
function viewer(station: Station, caller: CallerContext): Viewer {
  return caller.cliRole ?? station.operators.roleOf(caller.session) ?? 'open';
}

/** The reviewer's log and the admin's retention purge; payloads already validated. */
export function createAuditHandlers(station: Station): HandlersFor<AuditChannel> {
  return {
    'audit:recent': (req) => Promise.resolve({ events: station.auditAdmin.recent(req.limit) }),
    'audit:query': (req, caller) =>
      Promise.resolve(
        station.reviewer.query(
          req.filter,
          req.cursor,
          req.limit,
          req.reveal === true,
          viewer(station, caller),
        ),
      ),
    'audit:export': (req, caller) =>
      Promise.resolve(
        station.reviewer.exportChunk(
          req.filter,
          req.cursor,
          req.names === true,
          viewer(station, caller),
        ),
      ),
    'audit:since': (req, caller) =>
      Promise.resolve(station.reviewer.since(req, viewer(station, caller))),
    'audit:attendance': (req, caller) =>
      Promise.resolve(station.reviewer.attendance(req, viewer(station, caller))),
    'audit:detail': (req) => Promise.resolve(station.review.detail(req.id)),
    'audit:verify': () => Promise.resolve(station.auditAdmin.verifyChain()),
    'audit:doors': () =>
      Promise.resolve({ doors: station.review.doors(), current: { ...station.access.identity() } }),
    'audit:log': (req) =>
      Promise.resolve(station.review.logPage(req.filter, req.afterId ?? 0, req.limit)),
    'audit:purge': (req, caller) =>
      Promise.resolve(station.auditAdmin.purge(req.olderThanDays, actorOf(caller, 'admin'))),
  };
}
