import type { DoorScreenState } from './door-contract';

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
