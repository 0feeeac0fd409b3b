import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { StationError } from '../../../shared/errors';
import { dataPaths } from '../util/data-dir';
import { TEMPLATE_KEY_BYTES } from './template-cipher';
import type { TemplateKeyStore } from './template-key-store';

/**
 * The template key as a plain 32-byte file, readable by its owner only (CLI, browser mode).
 *
 * Looser permissions are refused, not silently tightened: a key that was group- or
 * world-readable may already have been copied, and only the admin can judge that. The message
 * says how to fix it. On Windows POSIX modes mean nothing; the folder ACL is what protects it.
 */
export class FileTemplateKeyStore implements TemplateKeyStore {
  readonly description: string;

  /**
   * @param wrappedFile the desktop app's safeStorage-wrapped key of the same folder: when only
   *   that exists, this store cannot read it and says so, instead of creating a second key.
   */
  constructor(
    private readonly file: string,
    private readonly wrappedFile?: string,
  ) {
    this.description = `key file ${file} (mode 0600)`;
  }

  load(): Buffer | null {
    if (!existsSync(this.file)) {
      if (this.wrappedFile !== undefined && existsSync(this.wrappedFile)) {
        throw new StationError(
          'TEMPLATE_KEY_MISSING',
          `The template key of this data folder is wrapped by the desktop app's OS keychain ` +
            `(${this.wrappedFile}); the CLI and browser mode cannot unwrap it. Use the desktop ` +
            'app with this folder, or give the CLI its own --data-dir.',
        );
      }
      return null;
    }
    this.checkPermissions();
    const key = readFileSync(this.file);
    if (key.length !== TEMPLATE_KEY_BYTES) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `Template key file ${this.file} has ${key.length} bytes, expected ${TEMPLATE_KEY_BYTES}`,
      );
    }
    return key;
  }

  create(): Buffer {
    writeKeyFileExclusive(this.file, randomBytes(TEMPLATE_KEY_BYTES));
    const key = this.load();
    if (key === null) throw new StationError('INTERNAL', `key file ${this.file} vanished`);
    return key;
  }

  private checkPermissions(): void {
    const st = statSync(this.file);
    if (!st.isFile()) {
      throw new StationError('TEMPLATE_KEY_INSECURE', `${this.file} is not a regular file`);
    }
    if (process.platform === 'win32') return;
    const loose = st.mode & 0o077;
    if (loose !== 0) {
      throw new StationError(
        'TEMPLATE_KEY_INSECURE',
        `Template key file ${this.file} is accessible by other users (mode ` +
          `${(st.mode & 0o777).toString(8)}). Check who could have copied it, then run ` +
          `\`chmod 600 ${this.file}\`.`,
      );
    }
  }
}

/** The CLI's and browser mode's store: keys/template.key (0600) in the data folder. */
export function dataFolderTemplateKeyStore(dataDir: string): FileTemplateKeyStore {
  const paths = dataPaths(dataDir);
  return new FileTemplateKeyStore(paths.templateKey, paths.templateKeyWrapped);
}

/**
 * Writes a key file that appears complete or not at all, and never replaces an existing one:
 * temp file (0600, fsync), then link() which fails if the name exists (two first starts race:
 * the loser adopts the winner's key), then fsync of the folder so the key survives a power cut
 * as surely as the templates it encrypts (synchronous=FULL).
 */
export function writeKeyFileExclusive(file: string, bytes: Uint8Array): boolean {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let created = true;
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false;
  } finally {
    unlinkSync(tmp);
  }
  fsyncDir(dir);
  return created;
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
