import {
  CHANNEL_ROLES,
  contract,
  isPageChannel,
  type Channel,
  type ParsedRequestOf,
  type ResponseOf,
  type StationChannel,
} from '../../../shared/contract';
import { StationError, toErrorPayload, type Result } from '../../../shared/errors';
import type { OperatorRole } from '../../../shared/operator-roles';

/**
 * Who is calling: the operator session token the transport carried (header / IPC argument),
 * or, for the local CLI, the role it acts as (see cliCaller).
 */
export interface CallerContext {
  session: string | null;
  /** Set only by the CLI host: the local user's chosen role, checked without a session. */
  cliRole?: OperatorRole;
}

export const ANONYMOUS: CallerContext = { session: null };

/**
 * The CLI caller. The OS user who runs it owns the data folder (and could read the database
 * directly), so a passphrase would guard nothing: the CLI acts as admin unless told to act as
 * less, which keeps a reviewer's script from erasing people by mistake.
 */
export function cliCaller(role: OperatorRole): CallerContext {
  return { session: null, cliRole: role };
}

/** One channel's implementation: its parsed request in, its response out. */
export type ChannelHandler<C extends Channel> = (
  request: ParsedRequestOf<C>,
  caller: CallerContext,
) => Promise<ResponseOf<C>>;

/** The handlers of some channels (one area's set, next to its service). */
export type HandlersFor<C extends Channel> = { [K in C]: ChannelHandler<K> };

/**
 * Role check for CHANNEL_ROLES: a refusal message, or null to allow. Absent = no operator
 * auth at all (unit-test handler sets, and the CLI's, whose caller carries its role).
 */
type Authorize = (roles: readonly OperatorRole[], session: string | null) => string | null;

/** Implementation of every station channel; station-handlers.ts assembles the areas' sets. */
export type Handlers = HandlersFor<StationChannel> & { authorize?: Authorize };

/**
 * What one host serves: the station's Handlers, or another complete set such as the CLI's
 * site membership handlers (served before a station is open). A channel the set lacks is
 * answered as unknown.
 */
export type HandlerSet = { readonly [K in Channel]?: ChannelHandler<K> } & {
  authorize?: Authorize;
};

/** Who acted, for audit rows: the CLI, or the page's view that `ui` names. */
export function actorOf(caller: CallerContext, ui: string): string {
  return caller.cliRole !== undefined ? 'cli' : ui;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/**
 * The single entry point for untrusted payloads (Electron IPC and the loopback host alike):
 * unknown channel or malformed payload -> BAD_REQUEST, never a throw across the boundary.
 * It is also the one place operator roles are enforced (CHANNEL_ROLES -> handlers.authorize).
 */
export async function dispatch(
  handlers: HandlerSet,
  channel: unknown,
  payload: unknown,
  caller: CallerContext = ANONYMOUS,
): Promise<Result<unknown>> {
  // The CLI's own admin channels are not served to the page's hosts (IPC, loopback HTTP).
  if (
    !isChannel(channel) ||
    (caller.cliRole === undefined && !isPageChannel(channel)) ||
    handlers[channel] === undefined
  ) {
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Unknown channel: ${String(channel)}` },
    };
  }
  // Roles before parsing: a caller without the right session learns nothing from schema errors.
  let refusal: string | null;
  try {
    refusal =
      caller.cliRole !== undefined
        ? cliRefusal(CHANNEL_ROLES[channel], caller.cliRole)
        : (handlers.authorize?.(CHANNEL_ROLES[channel], caller.session) ?? null);
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

/** Why the CLI acting as `role` may not do what needs `roles` (empty = anyone), or null. */
export function cliRefusal(roles: readonly OperatorRole[], role: OperatorRole): string | null {
  return roles.length === 0 || roles.includes(role)
    ? null
    : `the CLI acts as ${role} here; this needs ${roles.join(' or ')} (--as, STATION_ROLE)`;
}
