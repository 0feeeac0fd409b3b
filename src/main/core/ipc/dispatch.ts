import {
  contract,
  type Channel,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../../shared/contract';
import { StationError, toErrorPayload, type Result } from '../../../shared/errors';

/** Implementation of every channel; the station service provides one (see station-handlers.ts). */
export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/**
 * The single entry point for untrusted payloads (Electron IPC and the loopback host alike):
 * unknown channel or malformed payload -> BAD_REQUEST, never a throw across the boundary.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Unknown channel: ${String(channel)}` },
    };
  }
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
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (!(err instanceof StationError)) console.error(`[${channel}]`, err);
    return { ok: false, error: toErrorPayload(err) };
  }
}
