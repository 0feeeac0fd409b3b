import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/station.cjs');

export interface CliRun {
  code: number | null;
  /** Parsed stdout when `--json` was passed and something was printed, else null. */
  json: unknown;
  stdout: string;
  stderr: string;
}

/** Returns a runner of the real `station` bin in plain Node against one data folder. */
export function stationCli(dataDir: string): (...args: string[]) => CliRun {
  return (...args) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const json: unknown = args.includes('--json') && r.stdout.trim() ? JSON.parse(r.stdout) : null;
    return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
  };
}
