import type { MembershipChannel } from '../../shared/contract';
import type { HandlersFor } from '../core/ipc/dispatch';
import type { Station } from '../core/station.service';
import {
  initSite,
  joinSite,
  leaveSite,
  pairStation,
  revokeStation,
  type StationOpener,
} from './site-membership';

/**
 * The data folder's site membership as contract channels (CLI only). They are served here,
 * not by the station's handlers, because they change what the station is: init and join
 * write the site files and reopen the station bound to its site, leave removes them, and
 * pair and revoke need no station at all. The CLI dispatches to this set with its caller
 * (the same role table, zod schemas and error envelope) without opening the station first;
 * the handlers that need it open it from the data folder and always close it.
 */
export function createSiteMembershipHandlers(
  dataDir: string,
  open: StationOpener,
): HandlersFor<MembershipChannel> {
  return {
    'site:init': (req) =>
      withStation(open, (station) =>
        initSite(station, open, dataDir, req.adminUrl, { label: req.label, doorId: req.doorId }),
      ),
    'site:join': (req) =>
      withStation(open, (station) => joinSite(station, open, dataDir, req.url, req.code)),
    'site:pair': (req) =>
      pairStation(dataDir, req.adminUrl, {
        label: req.label,
        doorId: req.doorId,
        ttlHours: req.ttlHours,
      }),
    'site:revoke': (req) => revokeStation(req.adminUrl, req.station, req.reason),
    'site:leave': () => withStation(open, (station) => leaveSite(station, dataDir)),
  };
}

/** Join closes the station it is given and reopens it; closing again is harmless. */
async function withStation<T>(open: StationOpener, fn: (s: Station) => Promise<T>): Promise<T> {
  const station = await open();
  try {
    return await fn(station);
  } finally {
    await station.site?.close();
    station.close();
  }
}
