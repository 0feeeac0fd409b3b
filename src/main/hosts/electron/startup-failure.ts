import { StationError, toErrorPayload, type ErrorPayload } from '../../../shared/errors';

/**
 * Start-up failures become a screen a person can act on (CONVENTIONS #8): the stable code, the
 * message, and what to do. Pure: the Electron side only shows the page.
 */

/** Native addon loading failures, whatever layer wrapped them (the DB adapter says DB_CORRUPT). */
const NATIVE_LOAD_PATTERNS = [
  /NODE_MODULE_VERSION/,
  /ERR_DLOPEN_FAILED/,
  /Could not locate the bindings file/,
  /Cannot find module '[^']*\.node'/,
  /invalid ELF header/,
  /undefined symbol:/,
  /was compiled against a different Node\.js version/,
];

export function classifyStartupError(err: unknown): ErrorPayload {
  const native = findNativeLoadError(err);
  if (native)
    return { code: 'NATIVE_MISSING', message: `A native module failed to load: ${native}` };
  return toErrorPayload(err);
}

function findNativeLoadError(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e !== undefined && e !== null && !seen.has(e)) {
    seen.add(e);
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : '';
    if (NATIVE_LOAD_PATTERNS.some((p) => p.test(message) || p.test(code))) return message;
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

const HINTS: Partial<Record<ErrorPayload['code'], string>> = {
  MODEL_MISSING: 'The face models are not installed. Run `npm run models` (or reinstall the app).',
  MODEL_TAMPERED:
    'A model file does not match its recorded SHA-256 hash and was refused. Reinstall the models ' +
    '(`npm run models`) and check who had write access to the models folder.',
  MODEL_FAILED:
    'ONNX Runtime could not load or run a verified model (its worker thread failed). Check that ' +
    'onnxruntime-node is installed for this platform, then restart the station.',
  DB_CORRUPT:
    'The station database could not be opened or failed its integrity check. Restore it from a ' +
    'backup, or move it aside to start with an empty gallery.',
  DB_TOO_NEW: 'The database was written by a newer version of the station. Install that version.',
  NATIVE_MISSING:
    'A native module is missing or was built for another runtime. For Electron run ' +
    "`npm run native:electron` (better-sqlite3 for Electron's ABI); see docs/ELECTRON.md.",
  INDEX_STALE:
    'The search index is out of date; it is rebuilt from the database on the next start.',
  TEMPLATE_KEY_MISSING:
    'The key that decrypts the face templates is missing or cannot be unwrapped. Restore ' +
    'keys/template.key(.safe) from the backup made with the database; the station never ' +
    'creates a new key over encrypted templates.',
  TEMPLATE_KEY_MISMATCH:
    'The template key does not belong to this database (a key from another data folder or ' +
    'backup). Restore the matching key file.',
  TEMPLATE_KEY_INSECURE:
    'The template key file is readable by other users. Restrict it (chmod 600) after checking ' +
    'who could have copied it.',
  DATA_INSECURE:
    'The station database (or its WAL/SHM file) is readable by other users: names, consent ' +
    'records and passphrase hashes were exposed. Check who could have copied it, then restrict ' +
    'it with the chmod in the message.',
  TEMPLATE_TAMPERED:
    'An encrypted face template failed its integrity check: the database was modified outside ' +
    'the station. Restore it from a backup.',
};

export function startupHint(code: ErrorPayload['code']): string {
  return HINTS[code] ?? 'See the log for details, then restart the station.';
}

/** A self-contained page: no script (the window also runs with JavaScript off), no fetches. */
export function renderStartupErrorPage(error: ErrorPayload, dataDir: string): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Station could not start</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:3rem;background:#1b1b1f;color:#f2f2f2}
h1{color:#ff6b6b;margin-top:0}code{background:#333;padding:.1rem .4rem;border-radius:4px}
.msg{white-space:pre-wrap;font-family:monospace;background:#2a2a30;padding:1rem;border-radius:6px}
</style></head><body>
<h1>The station could not start</h1>
<p>Error code: <code id="code">${escapeHtml(error.code)}</code></p>
<p class="msg" id="message">${escapeHtml(error.message)}</p>
<p id="hint">${escapeHtml(startupHint(error.code))}</p>
<p>Data folder: <code>${escapeHtml(dataDir)}</code></p>
<p>Close this window to quit.</p>
</body></html>`;
}

export function toDataUrl(html: string): string {
  return `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Bounds start-up so a stuck step becomes an error screen, not a blank kiosk. A value that
 * arrives after the deadline is handed to `onLate` (e.g. to close a station opened too late).
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  onLate: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(
        new StationError('INTERNAL', `Start-up did not finish within ${Math.round(ms / 1000)} s`),
      );
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        if (expired) onLate(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
