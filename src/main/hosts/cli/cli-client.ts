import {
  CHANNEL_ROLES,
  type Channel,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { OPERATOR_ROLES, type OperatorRole } from '../../../shared/operator-roles';
import { localMedia } from '../../composition/local-media';
import { cliCaller, cliRefusal, dispatch, type Handlers } from '../../core/ipc/dispatch';
import { createStationHandlers } from '../../core/ipc/station-handlers';
import type { Station } from '../../core/station.service';

/**
 * The CLI as a client of the contract: every call goes through dispatch() (role check, zod,
 * error envelope), as the page's calls do. A refused or invalid call throws the envelope's
 * error as a StationError, which the command's output prints with its code.
 */
export interface CliClient {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
}

export function createCliClient(handlers: Handlers, role: OperatorRole): CliClient {
  const caller = cliCaller(role);
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const result = await dispatch(handlers, channel, request, caller);
      if (!result.ok) throw new StationError(result.error.code, result.error.message);
      return result.value as ResponseOf<C>;
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
