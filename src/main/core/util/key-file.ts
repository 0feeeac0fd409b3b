import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StationError } from '../../../shared/errors';
import { writeFileAtomic } from './atomic-file';

/**
 * Reads a secret key file, creating it (32 random bytes, mode 0600) on first use.
 * Group/other-readable keys are tightened rather than trusted silently.
 */
export function loadOrCreateKey(file: string, bytes = 32): Buffer {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, randomBytes(bytes), 0o600);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = readFileSync(file);
  if (key.length !== bytes) {
    throw new StationError(
      'DB_CORRUPT',
      `Key file ${file} has ${key.length} bytes, expected ${bytes}`,
    );
  }
  return key;
}
