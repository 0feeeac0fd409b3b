import { API_METHODS, type ApiMethod, type StationApi } from '../shared/api-methods';
import type { Channel } from '../shared/contract';
import { SessionHolder } from '../shared/session-token';

/**
 * Sends one request on one channel, with the operator session token (null before login); the
 * preload passes a closure over ipcRenderer.invoke.
 */
export type ChannelInvoker = (
  channel: Channel,
  request: unknown,
  session: string | null,
) => Promise<unknown>;

/**
 * Builds the renderer's API from the contract: one named function per API_METHODS entry, each
 * bound to its own channel. The channel is fixed here, so the page can reach no other channel
 * and never holds ipcRenderer or a generic invoke. Electron-free, so it is unit-tested in Node.
 */
export function createBridgeApi(invoke: ChannelInvoker): StationApi {
  const api: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {};
  // The token stays in this closure: the page logs in and out but never handles it.
  const session = new SessionHolder();
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    const channel = API_METHODS[method];
    api[method] = async (request: unknown) => {
      const answer = await invoke(channel, request, session.current);
      session.observe(channel, answer);
      return answer;
    };
  }
  // The loop covers every key of API_METHODS, which is exactly StationApi's key set; the
  // request/response types of each method come from the same contract entry.
  return Object.freeze(api) as StationApi;
}
