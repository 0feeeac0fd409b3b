import { API_METHODS, type ApiMethod, type StationApi } from '../../../shared/api-methods';
import type { Channel } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import { CHANNEL_ROLES, type OperatorRole } from '../../../shared/operator-roles';
import { t } from './i18n';

/** What a refused operator call means for this window. */
export interface SessionRefusal {
  /** True when this window's session was meant to open the channel: it has ended. */
  ended: boolean;
  /** What the login form tells the operator. */
  notice: string;
}

/**
 * Reads one UNAUTHORIZED answer of a role-protected channel: the station ended the session (idle,
 * logout elsewhere, passphrase change, restart) or the role gained a passphrase, and either way
 * the operator needs the login form, not an error text. Null for any other answer, including
 * UNAUTHORIZED from a channel without roles (the page's access key or a wrong passphrase).
 */
export function readSessionRefusal(
  channel: Channel,
  result: Result<unknown>,
  role: OperatorRole | null,
): SessionRefusal | null {
  if (result.ok || result.error.code !== 'UNAUTHORIZED') return null;
  const roles = CHANNEL_ROLES[channel];
  if (roles.length === 0) return null;
  if (role !== null && roles.includes(role)) {
    return {
      ended: true,
      notice: t('session.ended', { role: t(`role.${role}`) }),
    };
  }
  return {
    ended: false,
    notice:
      role === null ? t('session.needsLogin') : t('session.otherRole', { role: t(`role.${role}`) }),
  };
}

/**
 * The station client with every answer checked for a refused session: the callback runs once
 * per refusal, and the caller still gets the answer (its own error handling stays as it is).
 */
export function guardSession(
  api: StationApi,
  role: () => OperatorRole | null,
  onRefused: (refusal: SessionRefusal) => void,
): StationApi {
  const guarded: Partial<Record<ApiMethod, (request: never) => Promise<Result<unknown>>>> = {};
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    const call = api[method] as (request: unknown) => Promise<Result<unknown>>;
    guarded[method] = async (request: unknown) => {
      const result = await call(request);
      const refusal = readSessionRefusal(API_METHODS[method], result, role());
      if (refusal) onRefused(refusal);
      return result;
    };
  }
  // Each entry wraps the same method of `api` and returns its answer unchanged.
  return guarded as StationApi;
}
