import type { StationEvents } from '../shared/api-methods';
import type { DoorScreenState } from '../shared/door-contract';

/** Registers / removes a listener for one IPC event; the preload passes ipcRenderer's on/off. */
export interface EventPort {
  on(listener: (payload: unknown) => void): void;
  off(listener: (payload: unknown) => void): void;
}

/**
 * The page's side of main's pushes: one named subscription per event, each returning its
 * unsubscribe. The page never sees the IPC event object (it carries the sender), only the
 * state, and cannot subscribe to any other channel.
 */
export function createBridgeEvents(doorState: EventPort): StationEvents {
  return Object.freeze({
    onDoorState(listener: (state: DoorScreenState) => void): () => void {
      // Main built the state from the contract's own type; the page treats it as data.
      const forward = (payload: unknown): void => listener(payload as DoorScreenState);
      doorState.on(forward);
      return () => doorState.off(forward);
    },
  });
}
