import type { Channel, RequestOf, ResponseOf } from './contract';
import type { DoorScreenState } from './door-contract';
import type { Result } from './errors';

/** Named methods the preload (and the browser-mode client) expose; each wraps one channel. */
export const API_METHODS = {
  status: 'station:status',
  listPeople: 'people:list',
  enroll: 'enroll:create',
  submitFrame: 'access:frame',
  recentAudit: 'audit:recent',
  detectorModel: 'models:detector',
  erasePerson: 'people:erase',
  queryAudit: 'audit:query',
  exportAudit: 'audit:export',
  auditDetail: 'audit:detail',
  verifyAudit: 'audit:verify',
  auditDoors: 'audit:doors',
  reportCamera: 'camera:report',
  doorStatus: 'door:status',
  doorState: 'door:state',
  doorAdmin: 'door:admin',
  checkCapture: 'enroll:check',
  login: 'auth:login',
  logout: 'auth:logout',
  uploadCalibrationPhotos: 'calibration:upload',
  runCalibration: 'calibration:run',
  adoptCalibration: 'calibration:adopt',
  updatePerson: 'people:update',
  schedules: 'schedules:get',
  setSchedules: 'schedules:set',
  auditSince: 'audit:since',
  auditAttendance: 'audit:attendance',
  siteStatus: 'site:status',
  siteOverview: 'site:overview',
  syncSite: 'site:sync',
  querySiteAudit: 'site:audit-query',
  verifySiteAudit: 'site:audit-verify',
  runPadCalibration: 'calibration:pad-run',
  adoptPadCalibration: 'calibration:pad-adopt',
} as const satisfies Record<string, Channel>;

export type ApiMethod = keyof typeof API_METHODS;

export type StationApi = {
  [M in ApiMethod]: (
    request: RequestOf<(typeof API_METHODS)[M]>,
  ) => Promise<Result<ResponseOf<(typeof API_METHODS)[M]>>>;
};

/** Name under which the preload exposes the API on `window`. */
export const BRIDGE_KEY = 'station';

/**
 * What main pushes to the page (no request): the terminal's screen on every change. Exposed
 * by the preload under EVENTS_BRIDGE_KEY, built by the browser client from Server-Sent Events.
 */
export interface StationEvents {
  /** Calls `listener` with each new screen state; returns the unsubscribe. */
  onDoorState(listener: (state: DoorScreenState) => void): () => void;
}
export const EVENTS_BRIDGE_KEY = 'stationEvents';
/** The IPC event main sends the screen state on (webContents.send; never invoked). */
export const DOOR_STATE_EVENT = 'door:state-changed';
