import { StationError, type ErrorCode } from '../../../shared/errors';

/**
 * SQLSTATEs the site's functions raise on purpose (migration 0030): class "S0" is unused by
 * PostgreSQL itself, so they cannot be confused with its own errors.
 */
export const SITE_SQLSTATE = {
  refused: 'S0401',
  revoked: 'S0403',
  pairing: 'S0404',
  conflict: 'S0409',
  erased: 'S0410',
} as const;

const BY_SQLSTATE: Record<string, ErrorCode> = {
  [SITE_SQLSTATE.refused]: 'SITE_REFUSED',
  [SITE_SQLSTATE.revoked]: 'SITE_REVOKED',
  [SITE_SQLSTATE.pairing]: 'SITE_PAIRING_INVALID',
  [SITE_SQLSTATE.conflict]: 'SITE_CONFLICT',
  [SITE_SQLSTATE.erased]: 'SITE_CONFLICT',
  // unique_violation: e.g. an employee id another person holds.
  '23505': 'SITE_CONFLICT',
  // insufficient_privilege: a role calling what it may not (a forged or foreign login).
  '42501': 'SITE_REFUSED',
  // invalid_password / invalid_authorization_specification: wrong or dropped credentials.
  '28P01': 'SITE_REFUSED',
  '28000': 'SITE_REFUSED',
};

/** SQLSTATE classes that mean "the server is not there right now" (connection, shutdown). */
const UNAVAILABLE_CLASSES = ['08', '57', '53'];

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);

/** Turns anything node-postgres throws into a StationError with a stable code. */
export function toSiteError(err: unknown): StationError {
  if (err instanceof StationError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const mapped = BY_SQLSTATE[code];
  if (mapped) return new StationError(mapped, message, { cause: err });
  if (
    NETWORK_CODES.has(code) ||
    UNAVAILABLE_CLASSES.some((c) => code.startsWith(c) && code.length === 5) ||
    /Connection terminated|timeout|ECONNREFUSED|connect ETIMEDOUT|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return new StationError('SITE_UNAVAILABLE', `The site database is unreachable: ${message}`, {
      cause: err,
    });
  }
  return new StationError('INTERNAL', `Site database error: ${message}`, { cause: err });
}
