import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '../shared/api-methods';
import { createBridgeApi } from './bridge-api';

// Sandboxed preload (bundled to CommonJS): exposes only the named station API. ipcRenderer
// stays in this closure; the page can call the contract's methods and nothing else.
contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridgeApi((channel, request, session) => ipcRenderer.invoke(channel, request, session)),
);
