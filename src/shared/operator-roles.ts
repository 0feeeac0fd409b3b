/**
 * Operator roles and the one channel -> role map dispatch() enforces. Pure data, no runtime
 * deps, so main, the preload and the renderer share it.
 */

export const OPERATOR_ROLES = ['admin', 'reviewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** 'open' = no passphrase set yet: the role's channels answer anyone (first run). */
export type RoleProtection = 'open' | 'protected';
export type AuthStatus = Record<OperatorRole, RoleProtection>;

/** Header the browser-mode client sends its operator session token in. */
export const SESSION_HEADER = 'x-station-session';

export const AUTH_LIMITS = {
  minPassphraseLength: 10,
  maxPassphraseLength: 1024,
  /** Idle time after which a session ends (each authorised call renews it). */
  sessionIdleMs: 15 * 60 * 1000,
  /** Failed logins per role within the window that lock the role... */
  maxFailures: 5,
  failureWindowMs: 60 * 1000,
  /** ...for this long. */
  lockMs: 60 * 1000,
} as const;

/** Channel -> roles, from the contract's entries (zod-free copy for the renderer). */
export { CHANNEL_ROLES } from './channel-table.generated';
