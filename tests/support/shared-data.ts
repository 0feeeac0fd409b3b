import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real face data used by tests and benchmarks (research-only licences: read in place,
 * never copied into the repo). $STATION_FACE_DATA, else ../shared/data beside the project.
 * A missing folder is a hard failure, never a silent skip.
 */
export function sharedDataDir(): string {
  const dir =
    process.env.STATION_FACE_DATA ?? resolve(__dirname, '..', '..', '..', 'shared', 'data');
  if (!existsSync(join(dir, 'README.md'))) {
    throw new Error(
      `Face test data not found at ${dir}: set STATION_FACE_DATA or place it at ../shared/data`,
    );
  }
  return dir;
}

export function sharedDataPath(...parts: string[]): string {
  return join(sharedDataDir(), ...parts);
}
