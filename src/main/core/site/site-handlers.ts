import { StationError } from '../../../shared/errors';
import type { SiteStatusView } from '../../../shared/site-contract';
import type { Handlers } from '../ipc/dispatch';
import type { SiteStation } from './site-station';

const NOT_JOINED: SiteStatusView = {
  joined: false,
  siteId: null,
  stationId: null,
  label: null,
  doorId: null,
  online: false,
  revoked: false,
  lastError: null,
  cursor: 0,
  head: null,
  lag: null,
  pushedSeq: 0,
  auditPending: 0,
  pendingErasures: 0,
  lastPullAt: null,
  lastPushAt: null,
  people: 0,
};

type SiteChannel =
  | 'site:status'
  | 'site:overview'
  | 'site:sync'
  | 'site:audit-query'
  | 'site:audit-verify'
  | 'site:audit-log';

/** The site channels, beside the station's (station-handlers.ts); payloads already validated. */
export function createSiteHandlers(site: SiteStation | null): Pick<Handlers, SiteChannel> {
  const joined = (): SiteStation => {
    if (!site) {
      throw new StationError(
        'SITE_NOT_JOINED',
        'This station has not joined a site (`station site join`).',
      );
    }
    return site;
  };
  return {
    'site:status': async (req) => {
      if (!site) return NOT_JOINED;
      if (req.refreshHead) await site.sync.refreshHead();
      return site.status();
    },
    'site:overview': () => joined().overview(),
    'site:sync': async () => {
      const s = joined();
      const report = await s.sync.syncNow();
      return { ...s.status(), report };
    },
    'site:audit-query': (req) =>
      joined().review.query(req.filter, req.station, req.cursor, req.limit),
    'site:audit-verify': () => joined().review.verify(),
    'site:audit-log': (req) =>
      joined().review.logPage(req.filter, req.station, req.cursor, req.limit),
  };
}
