import type { Channel, RequestOf, ResponseOf } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { OPERATOR_ROLES, type OperatorRole } from '../../../shared/operator-roles';
import { cliCaller, dispatch, type Handlers } from '../../core/ipc/dispatch';
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

export function stationClient(station: Station, role: OperatorRole): CliClient {
  return createCliClient(createStationHandlers(station), role);
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
