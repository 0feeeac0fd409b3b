import {
  CHANNEL_ROLES,
  type Channel,
  type MembershipChannel,
  type RequestOf,
  type ResponseOf,
  type StationChannel,
} from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { OPERATOR_ROLES, type OperatorRole } from '../../../shared/operator-roles';
import { createSiteMembershipHandlers } from '../../composition/site-membership-handlers';
import type { StationOpener } from '../../composition/site-membership';
import { localMedia } from '../../composition/local-media';
import { cliCaller, cliRefusal, dispatch, type HandlerSet } from '../../core/ipc/dispatch';
import { createStationHandlers } from '../../core/ipc/station-handlers';
import type { Station } from '../../core/station.service';

/**
 * The CLI as a client of the contract: every call goes through dispatch() (role check, zod,
 * error envelope), as the page's calls do. A refused or invalid call throws the envelope's
 * error as a StationError, which the command's output prints with its code. `C` is what the
 * handler set behind it serves: the open station's channels unless said otherwise.
 */
export interface CliClient<C extends Channel = StationChannel> {
  call<K extends C>(channel: K, request: RequestOf<K>): Promise<ResponseOf<K>>;
}

export function createCliClient<C extends Channel>(
  handlers: HandlerSet,
  role: OperatorRole,
): CliClient<C> {
  const caller = cliCaller(role);
  return {
    async call<K extends C>(channel: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
      const result = await dispatch(handlers, channel, request, caller);
      if (!result.ok) throw new StationError(result.error.code, result.error.message);
      return result.value as ResponseOf<K>;
    },
  };
}

/** The station's handlers as the local CLI reaches them: with the station disk's media files. */
export function stationClient(station: Station, role: OperatorRole): CliClient {
  return createCliClient(createStationHandlers(station, localMedia()), role);
}

/**
 * Refuses, before it starts, what the CLI does ahead of a channel call (a model switch happens
 * before the station opens): the channel's own roles decide, from the one role table.
 */
export function ensureChannelRole(channel: Channel, role: OperatorRole, what: string): void {
  const refusal = cliRefusal(CHANNEL_ROLES[channel], role);
  if (refusal !== null) throw new StationError('UNAUTHORIZED', `${what}: ${refusal}`);
}

/** The site membership steps, served without an open station (site-membership-handlers.ts). */
export function membershipClient(
  dataDir: string,
  open: StationOpener,
  role: OperatorRole,
): CliClient<MembershipChannel> {
  return createCliClient(createSiteMembershipHandlers(dataDir, open), role);
}

/** Environment variable that lowers the CLI's role, as `--as ROLE` does. */
export const ROLE_ENV = 'STATION_ROLE';

/**
 * The role the CLI acts as: `--as`, else $STATION_ROLE, else admin (the local user owns the
 * data folder). Returns a usage problem for an unknown role name.
 */
export function cliRole(
  flag: string | undefined,
  env: string | undefined = process.env[ROLE_ENV],
): { role: OperatorRole } | { problem: string } {
  const chosen = flag ?? (env === '' ? undefined : env) ?? 'admin';
  if ((OPERATOR_ROLES as readonly string[]).includes(chosen))
    return { role: chosen as OperatorRole };
  const from = flag !== undefined ? '--as' : ROLE_ENV;
  return { problem: `${from} must be ${OPERATOR_ROLES.join(' or ')}, not "${chosen}"` };
}
