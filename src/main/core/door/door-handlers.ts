import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** Who acted, in the audit row, for an admin action at the door terminal. */
const DOOR_ADMIN_BY_UI = 'admin (door terminal)';

type TerminalChannel =
  | 'station:status'
  | 'access:frame'
  | 'models:detector'
  | 'camera:report'
  | 'door:status'
  | 'door:state'
  | 'door:admin';

/** The door terminal's channels; payloads already validated. */
export function createTerminalHandlers(station: Station): HandlersFor<TerminalChannel> {
  return {
    'station:status': () => Promise.resolve(station.info.status()),
    'access:frame': (req) => station.door.process(req),
    'models:detector': (req) => Promise.resolve(station.info.detectorModel(req.variant)),
    'camera:report': (req) => Promise.resolve(station.door.reportCamera(req.label)),
    'door:status': () => Promise.resolve(station.doors.status()),
    'door:state': () => Promise.resolve(station.screen.current()),
    // The channel is admin-only (CHANNEL_ROLES): the operator is the admin role at the terminal.
    'door:admin': (req, caller) =>
      Promise.resolve(station.terminalAdmin.act(req, actorOf(caller, DOOR_ADMIN_BY_UI))),
  };
}
