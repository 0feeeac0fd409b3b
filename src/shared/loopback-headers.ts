/**
 * The header the browser-mode client sends the loopback host's per-run secret in (every API
 * call and the door events stream); the host refuses a request without it. One name for both
 * ends: src/main/hosts/loopback/loopback-host.ts checks it, src/renderer/src/lib/station-client.ts sends it.
 */
export const SECRET_HEADER = 'x-station-secret';
