import {
  contract,
  type Channel,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../../shared/contract';
import { StationError, toErrorPayload, type Result } from '../../../shared/errors';
import { CHANNEL_ROLES, type OperatorRole } from '../../../shared/operator-roles';

/** Who is calling: the operator session token the transport carried (header / IPC argument). */
export interface CallerContext {
  session: string | null;
}

export const ANONYMOUS: CallerContext = { session: null };

/** Implementation of every channel; the station service provides one (see station-handlers.ts). */
export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>, caller: CallerContext) => Promise<ResponseOf<C>>;
} & {
  /**
   * Role check for CHANNEL_ROLES: a refusal message, or null to allow. Absent = no operator
   * auth at all (unit-test handler sets only).
   */
  authorize?: (roles: readonly OperatorRole[], session: string | null) => string | null;
};

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/**
 * The single entry point for untrusted payloads (Electron IPC and the loopback host alike):
 * unknown channel or malformed payload -> BAD_REQUEST, never a throw across the boundary.
 * It is also the one place operator roles are enforced (CHANNEL_ROLES -> handlers.authorize).
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
  caller: CallerContext = ANONYMOUS,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Unknown channel: ${String(channel)}` },
    };
  }
  // Roles before parsing: a caller without the right session learns nothing from schema errors.
  let refusal: string | null;
  try {
    refusal = handlers.authorize?.(CHANNEL_ROLES[channel], caller.session) ?? null;
  } catch (err) {
    // Fail closed: a check that cannot run (e.g. unreadable settings) refuses, never throws.
    if (!(err instanceof StationError)) console.error(`[${channel}] authorize`, err);
    return { ok: false, error: toErrorPayload(err) };
  }
  if (refusal !== null)
    return { ok: false, error: { code: 'UNAUTHORIZED', message: `${channel}: ${refusal}` } };
  const parsed = contract[channel].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `Invalid ${channel} request${where}: ${issue?.message ?? 'invalid'}`,
      },
    };
  }
  try {
    const handler = handlers[channel] as (req: unknown, c: CallerContext) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data, caller) };
  } catch (err) {
    if (!(err instanceof StationError)) console.error(`[${channel}]`, err);
    return { ok: false, error: toErrorPayload(err) };
  }
}
