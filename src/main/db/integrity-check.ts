import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { StationError } from '../../shared/errors';
import { electronSqliteBinding, workerRequirePath } from '../adapters/native-paths';
import type { Db } from './sqlite';

/**
 * What the worker runs. Plain CommonJS given as source, so the same worker starts from tsx,
 * vitest and a bundle alike (no worker file to locate); the addon's path comes from the parent.
 * `fileMustExist` and `readonly`: a check must never create or change the file it checks.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  const options = { readonly: true, fileMustExist: true };
  if (workerData.nativeBinding) options.nativeBinding = workerData.nativeBinding;
  db = new Database(workerData.file, options);
  parentPort.postMessage({ checked: String(db.pragma('quick_check', { simple: true })) });
} catch (err) {
  parentPort.postMessage({ failed: String(err && err.message || err), code: String(err && err.code) });
} finally {
  if (db) db.close();
}
`;

/** SQLite's own words for a file that is not a sound database (anything else: retry in main). */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/** 'ok', what SQLite found wrong, or null when the worker could not do the check. */
export type IntegrityFinding = 'ok' | { problem: string } | null;

/**
 * SQLite's `quick_check` on a worker thread so the start can read the database and gallery
 * meanwhile. Whoever starts it must await `verify` before the station decides anything.
 */
export class BackgroundIntegrityCheck {
  private readonly worker: Worker | null;
  private readonly finding: Promise<IntegrityFinding>;

  private constructor(
    private readonly file: string,
    worker: Worker | null,
    finding: Promise<IntegrityFinding>,
  ) {
    this.worker = worker;
    this.finding = finding;
  }

  /** `addon`: better-sqlite3's entry the worker requires (this process's own by default). */
  static start(
    file: string,
    addon: string = workerRequirePath('better-sqlite3'),
  ): BackgroundIntegrityCheck {
    // A first start creates the file: nothing to check yet.
    if (!existsSync(file)) return new BackgroundIntegrityCheck(file, null, Promise.resolve('ok'));
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          file,
          module: addon,
          nativeBinding: electronSqliteBinding(),
        },
      });
    } catch {
      return new BackgroundIntegrityCheck(file, null, Promise.resolve(null));
    }
    const finding = new Promise<IntegrityFinding>((resolve) => {
      worker.once('message', (m: { checked?: string; failed?: string; code?: string }) => {
        if (m.checked === 'ok') resolve('ok');
        else if (m.checked !== undefined) resolve({ problem: m.checked });
        else if (DAMAGE_CODES.has(m.code ?? '')) resolve({ problem: m.failed ?? 'damaged' });
        else resolve(null);
      });
      // The addon did not load in a worker, or the worker was stopped: no finding.
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    });
    return new BackgroundIntegrityCheck(file, worker, finding);
  }

  /**
   * Resolves when `db` (the same file) passed the check; DB_CORRUPT naming what SQLite found
   * otherwise. When the worker could not check (an addon that does not load in a worker), the
   * check runs here on `db` instead: slower, never skipped.
   */
  async verify(db: Db): Promise<void> {
    const finding = (await this.finding) ?? quickCheck(db);
    if (finding !== 'ok') {
      throw new StationError('DB_CORRUPT', `Database ${this.file} is damaged: ${finding.problem}`);
    }
  }

  /** Stops a check still running (a start that failed, or a station closed meanwhile). */
  cancel(): void {
    void this.worker?.terminate();
  }
}

/** The same check, on the calling thread. */
export function quickCheck(db: Db): 'ok' | { problem: string } {
  try {
    const result = String(db.pragma('quick_check', { simple: true }));
    return result === 'ok' ? 'ok' : { problem: result };
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}
