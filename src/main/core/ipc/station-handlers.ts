import { createAccessReplayHandlers } from '../access/access-replay-handlers';
import { createAuditHandlers } from '../audit/audit-handlers';
import { createAuthHandlers } from '../auth/auth-handlers';
import { createCalibrationHandlers } from '../calibration/calibration-handlers';
import { createTerminalHandlers } from '../door/door-handlers';
import { createDoorSettingsHandlers } from '../door/door-settings-handlers';
import { createGalleryHandlers } from '../gallery/gallery-handlers';
import { createLivenessHandlers } from '../liveness/liveness-handlers';
import { createPeopleHandlers } from '../people/people-handlers';
import { createRecognitionHandlers } from '../recognition/recognition-handlers';
import type { LocalMedia } from '../ports/local-media';
import { createSiteEditHandlers } from '../site/site-edit-handlers';
import { createSiteHandlers } from '../site/site-handlers';
import type { Station } from '../station.service';
import type { Handlers } from './dispatch';

/**
 * Every contract channel bound to the station: the areas' handler sets (each next to its
 * service) and the operator role check. `Handlers` makes a missing channel a compile error.
 * `media` reads files on the station's disk by path: only the local CLI passes it (its
 * channels have no page method, so the IPC and loopback hosts never reach them anyway).
 */
export function createStationHandlers(station: Station, media?: LocalMedia): Handlers {
  return {
    ...createTerminalHandlers(station),
    ...createDoorSettingsHandlers(station),
    ...createRecognitionHandlers(station),
    ...createPeopleHandlers(station),
    ...createAuditHandlers(station),
    ...createAuthHandlers(station),
    ...createCalibrationHandlers(station),
    ...createGalleryHandlers(station),
    ...createAccessReplayHandlers(station, media),
    ...createLivenessHandlers(station, media),
    ...createSiteHandlers(station.site),
    ...createSiteEditHandlers(station),
    authorize: (roles, session) => station.operators.authorize(roles, session),
  };
}
