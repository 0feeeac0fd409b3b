import type { z } from 'zod';
import type { Result } from './errors';
import { LIMITS } from './limits';
import type { OperatorRole } from './operator-roles';
import type { ChannelEntry, Returns } from './channels/channel-entry';
import { auditChannels } from './channels/audit-channels';
import { authChannels } from './channels/auth-channels';
import { calibrationChannels } from './channels/calibration-channels';
import { cliChannels } from './channels/cli-channels';
import { peopleChannels } from './channels/people-channels';
import { recordingChannels } from './channels/recording-channels';
import { siteEditChannels, siteMembershipChannels } from './channels/site-admin-channels';
import { siteChannels } from './channels/site-channels';
import { terminalChannels } from './channels/terminal-channels';
import type {
  API_METHODS as TABLE_METHODS,
  CHANNEL_NAMES as TABLE_CHANNELS,
} from './channel-table.generated';

/** Re-exported: main and the CLI keep importing LIMITS from the contract. */
export { LIMITS };
export type { FrameResult } from './channels/terminal-channels';
export { BRIDGE_KEY, DOOR_STATE_EVENT, EVENTS_BRIDGE_KEY, type StationEvents } from './bridge-keys';

/**
 * The one contract: every channel's schema, response type, roles and page method, grouped in
 * ./channels. Main parses every payload as `unknown` against it; preload and the browser client are
 * typed from it.
 */
export const channels = {
  ...terminalChannels,
  ...peopleChannels,
  ...auditChannels,
  ...authChannels,
  ...calibrationChannels,
  ...siteChannels,
  ...cliChannels,
  ...siteEditChannels,
  ...siteMembershipChannels,
  ...recordingChannels,
} as const satisfies Record<string, ChannelEntry>;

type Channels = typeof channels;
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> =
  Channels[C]['response'] extends Returns<infer R> ? R : never;
/**
 * The channels served without an open station (the data folder's site membership, a recording
 * judged without any data folder): the CLI builds their handlers apart; every other channel is
 * the station's (core/ipc/dispatch.ts).
 */
export type MembershipChannel = keyof typeof siteMembershipChannels;
export type RecordingChannel = keyof typeof recordingChannels;
export type StationChannel = Exclude<Channel, MembershipChannel | RecordingChannel>;
/** What each channel answers on success. */
export type ResponseMap = { [C in Channel]: ResponseOf<C> };

function mapEntries<T>(pick: (entry: ChannelEntry) => T): Record<Channel, T> {
  const out = {} as Record<Channel, T>;
  for (const c of Object.keys(channels) as Channel[]) out[c] = pick(channels[c]);
  return out;
}

/** Channel -> request schema (what dispatch() parses with). */
export const contract = mapEntries((e) => e.request) as { [C in Channel]: Channels[C]['request'] };

/** Which roles may call each channel (enforced by dispatch(); empty = the door terminal's). */
export const CHANNEL_ROLES: Record<Channel, readonly OperatorRole[]> = mapEntries((e) => e.roles);

/** The channels the page may call (those with a method); the rest are the CLI's. */
export type PageChannel = {
  [C in Channel]: Channels[C]['method'] extends string ? C : never;
}[Channel];

type MethodTable = {
  [C in PageChannel as Channels[C]['method'] & string]: C;
};

/** Named methods the preload (and the browser-mode client) expose; each wraps one channel. */
export const API_METHODS = Object.fromEntries(
  (Object.keys(channels) as Channel[]).flatMap((c) => {
    const method = (channels[c] as ChannelEntry).method;
    return method === undefined ? [] : [[method, c]];
  }),
) as MethodTable;

export type ApiMethod = keyof MethodTable;

export type StationApi = {
  [M in ApiMethod]: (
    request: RequestOf<MethodTable[M]>,
  ) => Promise<Result<ResponseOf<MethodTable[M]>>>;
};

export function isPageChannel(channel: Channel): channel is PageChannel {
  return (channels[channel] as ChannelEntry).method !== undefined;
}

// The zod-free copy the preload and renderer import (channel-table.generated.ts) must say the
// same: a stale copy fails typecheck here (and the unit test says how to regenerate it).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tableMatches: [
  Same<(typeof TABLE_CHANNELS)[number], Channel>,
  Same<typeof TABLE_METHODS, MethodTable>,
] = [true, true];
void tableMatches;
