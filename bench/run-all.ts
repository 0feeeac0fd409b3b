/**
 * Runs benchmark entry points, each in its own Node process (fresh native state: faiss threads,
 * ONNX sessions, Chromium), and prints their markdown for docs/BENCHMARKS.md.
 *
 *   npm run bench                  # the fast ones (a minute or two)
 *   npm run bench -- NAME [args]   # one bench, its arguments passed through
 *   npm run bench -- --list        # every entry point, what it needs, one line each
 *   npm run bench -- --all         # every entry point with its quick arguments (hours on 2 cores)
 *   npm run bench -- --only a,b    # these, with their own defaults
 *
 * Entry points are every `bench/*.ts` but this file (bench/lib/bench-catalog.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, benchEntries, FAST_BENCHES, type BenchEntry } from './lib/bench-catalog';

interface Run {
  readonly name: string;
  readonly args: readonly string[];
}

function runBench({ name, args }: Run): boolean {
  const started = performance.now();
  console.log(
    `\n## ${name}\n\n\`npx tsx bench/${name}.ts${args.length ? ` ${args.join(' ')}` : ''}\`\n`,
  );
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(BENCH_DIR, `${name}.ts`), ...args],
    { stdio: 'inherit', env: process.env },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  const failure = result.error?.message ?? `exit ${String(result.status ?? result.signal)}`;
  console.log(`\n(${name}: ${ok ? 'done' : `FAILED (${failure})`} in ${seconds} s)`);
  return ok;
}

function printList(entries: readonly BenchEntry[]): void {
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const e of entries) {
    const needs = e.needs.length > 0 ? ` [${e.needs.join(', ')}]` : '';
    console.log(`${e.name.padEnd(width)}  ${e.description}${needs}`);
  }
  console.log(
    '\n[data] ../shared/data; [chromium] Debian chromium; [postgres] Debian PostgreSQL;' +
      ' [build] npm run build:node; [long] minutes to hours with its defaults.' +
      '\n--all runs each with its quick arguments: npm run bench -- --all',
  );
}

function checkedNames(names: readonly string[], entries: readonly BenchEntry[]): void {
  const unknown = names.filter((n) => !entries.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown bench: ${unknown.join(', ')} (npm run bench -- --list)`);
  }
}

function plan(argv: readonly string[], entries: readonly BenchEntry[]): Run[] | 'list' {
  const [first, ...rest] = argv;
  if (first !== undefined && !first.startsWith('-')) {
    checkedNames([first], entries);
    return [{ name: first, args: rest }];
  }
  const { values } = parseArgs({
    args: [...argv],
    options: {
      all: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  if (values.list) return 'list';
  if (values.only) {
    const names = values.only.split(',').map((s) => s.trim());
    checkedNames(names, entries);
    return names.map((name) => ({ name, args: [] }));
  }
  if (values.all) return entries.map((e) => ({ name: e.name, args: e.quick ?? [] }));
  return FAST_BENCHES.map((name) => ({ name, args: [] }));
}

function main(): void {
  const entries = benchEntries();
  let runs: Run[] | 'list';
  try {
    runs = plan(process.argv.slice(2), entries);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
    return;
  }
  if (runs === 'list') {
    printList(entries);
    return;
  }
  const failed = runs.filter((run) => !runBench(run)).map((run) => run.name);
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
