import { z } from 'zod';
import { AUTH_LIMITS, OPERATOR_ROLES, type OperatorRole } from './operator-roles';

/** Operator login/logout. The session token travels beside the payload (header / IPC arg). */
export const authContract = {
  'auth:login': z
    .object({
      role: z.enum(OPERATOR_ROLES),
      // No minimum here: a short guess is simply a wrong passphrase (and counts as a failure).
      passphrase: z.string().min(1).max(AUTH_LIMITS.maxPassphraseLength),
    })
    .strict(),
  /** Ends the caller's own session (the token that came with the call). */
  'auth:logout': z.object({}).strict(),
} as const;

export interface LoginResult {
  /** 32 random bytes, hex; the client keeps it and sends it with every call. */
  token: string;
  role: OperatorRole;
  idleTimeoutMs: number;
}
