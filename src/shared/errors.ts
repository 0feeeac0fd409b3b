/**
 * Stable error codes shared by every host (Electron IPC, loopback host, CLI).
 * A code never changes meaning once released: renderers and scripts switch on it.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNREADABLE_IMAGE',
  'IMAGE_TOO_LARGE',
  'NO_FACE',
  'MULTIPLE_FACES',
  'FACE_TOO_SMALL',
  'MODEL_MISSING',
  'MODEL_TAMPERED',
  /** A verified model could not be loaded or run (e.g. its inference worker thread died). */
  'MODEL_FAILED',
  /** An embedding model manifest is invalid or does not match its model's real shapes. */
  'MODEL_MANIFEST_INVALID',
  'INDEX_STALE',
  'DB_CORRUPT',
  'DB_TOO_NEW',
  'TEMPLATE_KEY_MISSING',
  'TEMPLATE_KEY_MISMATCH',
  'TEMPLATE_KEY_INSECURE',
  'TEMPLATE_TAMPERED',
  /** A database file (or its WAL/SHM) other users can read: refused, like an exposed key. */
  'DATA_INSECURE',
  'CONSENT_REQUIRED',
  'PERSON_NOT_FOUND',
  'NATIVE_MISSING',
  'UNAUTHORIZED',
  /** The loopback host holds too many request bytes at once (HTTP 503): try again shortly. */
  'BUSY',
  /** The site's PostgreSQL cannot be reached now (the station goes on deciding locally). */
  'SITE_UNAVAILABLE',
  /** Someone else changed the site record since this station read it (single-writer + version). */
  'SITE_CONFLICT',
  /** The site refused this station: not a paired station, or a row claiming another's id. */
  'SITE_REFUSED',
  /** An admin revoked this station's pairing: it receives no more site changes. */
  'SITE_REVOKED',
  /** The pairing code is unknown, already used or expired. */
  'SITE_PAIRING_INVALID',
  /** The command needs a station that joined a site (`station site join`). */
  'SITE_NOT_JOINED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** The one error type the core throws on purpose; anything else is a bug (INTERNAL). */
export class StationError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationError';
    this.code = code;
  }
}

/**
 * SQLite's own codes for a file that is not a sound database (better-sqlite3's SqliteError
 * carries them in `code`): damage found while reading, wherever it surfaces, is DB_CORRUPT.
 */
const SQLITE_DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/;

export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof StationError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  const sqliteCode = err instanceof Error && 'code' in err ? String(err.code) : '';
  if (SQLITE_DAMAGE.test(sqliteCode)) {
    return {
      code: 'DB_CORRUPT',
      message:
        `The station database is damaged (${message}). Restore it from a backup made together ` +
        'with its keys folder, or move it aside to start with an empty station.',
    };
  }
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}

/** Result envelope used across process boundaries. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
