/**
 * `npm run bench [-- --all] [-- --only a,b]`: runs benchmark entry points one after another,
 * each in its own Node process (fresh native state: faiss threads, ONNX sessions, Chromium),
 * and prints their markdown for docs/BENCHMARKS.md.
 *
 * Every `bench/*.ts` except this file is an entry point (helpers live in bench/lib/), so a new
 * bench is picked up by `--all` without being registered here. Without `--all` only the fast
 * ones run (a minute or two); `--all` runs every entry point, which takes hours on 2 cores
 * (1M-vector index builds, 1M-row audit logs, LFW over 13,000 images).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const FAST = [
  'pipeline-latency',
  'search-latency',
  'page-detect-latency',
  'frame-latency',
  'onnx-worker-latency',
];

/** The documented runs of entry points whose defaults are not enough (one run per entry). */
const RUNS: Record<string, string[][]> = {
  'lfw-verification': [[], ['--dataset', 'celeba']],
  'detector-recall': [['--sets', 'multi,noface,video']],
  'alignment-comparison': [['--dataset', 'celeba']],
  'index-backends': [['--all']],
  'pad-loso': [['--videos']],
  'door-latency': [['--warm', '--runs', '10']],
};

/** Every entry point in bench/, sorted, this runner excluded. */
export function benchEntryPoints(dir: string = __dirname): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

function runBench(name: string, args: string[]): boolean {
  const started = performance.now();
  console.log(
    `\n## ${name}\n\n\`npx tsx bench/${name}.ts${args.length ? ` ${args.join(' ')}` : ''}\`\n`,
  );
  // Each bench in a child process, so one cannot warm caches or pin threads for the next.
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, `${name}.ts`), ...args],
    { stdio: 'inherit', env: process.env },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  const failure = result.error?.message ?? `exit ${String(result.status ?? result.signal)}`;
  console.log(`\n(${name}: ${ok ? 'done' : `FAILED (${failure})`} in ${seconds} s)`);
  return ok;
}

function plan(all: boolean, only: string | undefined): string[] {
  const entries = benchEntryPoints();
  if (only) {
    const names = only.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !entries.includes(n));
    if (unknown.length > 0) throw new Error(`unknown bench: ${unknown.join(', ')}`);
    return names;
  }
  if (!all) return FAST;
  return [...FAST, ...entries.filter((n) => !FAST.includes(n))];
}

function main(): void {
  const { values } = parseArgs({
    options: { all: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  const names = plan(values.all, values.only);
  const failed = names.flatMap((name) =>
    (RUNS[name] ?? [[]]).filter((args) => !runBench(name, args)).map(() => name),
  );
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
