import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, DOOR_STATE_EVENT, EVENTS_BRIDGE_KEY } from '../shared/api-methods';
import { createBridgeApi } from './bridge-api';
import { createBridgeEvents } from './bridge-events';

// Sandboxed preload (bundled to CommonJS): exposes only the named station API. ipcRenderer
// stays in this closure; the page can call the contract's methods and nothing else.
contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridgeApi((channel, request, session) => ipcRenderer.invoke(channel, request, session)),
);

// Main's pushes (the door screen), one named subscription each; the IPC event object (which
// carries the sender) never reaches the page.
const wrappers = new Map<(payload: unknown) => void, (e: IpcRendererEvent, p: unknown) => void>();
contextBridge.exposeInMainWorld(
  EVENTS_BRIDGE_KEY,
  createBridgeEvents({
    on(listener) {
      const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      wrappers.set(listener, wrapped);
      ipcRenderer.on(DOOR_STATE_EVENT, wrapped);
    },
    off(listener) {
      const wrapped = wrappers.get(listener);
      if (wrapped) ipcRenderer.off(DOOR_STATE_EVENT, wrapped);
      wrappers.delete(listener);
    },
  }),
);
