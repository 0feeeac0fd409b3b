/**
 * The zod-free half of the contract for the sandboxed preload and the renderer: method names,
 * roles and bridge keys (values from the generated table), and the API's types.
 */
export { API_METHODS, CHANNEL_ROLES } from './channel-table.generated';
export { BRIDGE_KEY, DOOR_STATE_EVENT, EVENTS_BRIDGE_KEY, type StationEvents } from './bridge-keys';
export type { ApiMethod, StationApi } from './contract';
