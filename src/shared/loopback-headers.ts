/**
 * The header carrying the loopback host's per-run secret (every API call and the door events
 * stream); the host refuses a request without it. Checked in hosts/loopback/loopback-host.ts, sent
 * by renderer/src/lib/station-client.ts.
 */
export const SECRET_HEADER = 'x-station-secret';
