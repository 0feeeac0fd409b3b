/**
 * `npm run bench [-- --all]`: runs the benchmarks one after another, each in its own Node
 * process (fresh native state: faiss threads, ONNX sessions, Chromium), and prints their
 * markdown for docs/BENCHMARKS.md. The fast ones take a minute or two in all; `--all` adds
 * the accuracy runs over LFW and CelebA and the 1M-row audit log, several minutes more.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const FAST = [
  'pipeline-latency',
  'search-latency',
  'page-detect-latency',
  'frame-latency',
  'onnx-worker-latency',
];
const LONG: [name: string, args: string[]][] = [
  ['lfw-verification', []],
  ['open-set-identification', ['--enrol', '140', '--strangers', '140']],
  ['audit-log', []],
  ['bias-report', []],
  // Brute force vs faiss flat / HNSW / IVF at 10k, 100k and 1M (flat + brute force only at 1M);
  // the first run embeds ~8,900 LFW/CelebA photos (minutes, cached outside the repo) and the
  // single-threaded 100k HNSW build alone takes ~10 min on 2 cores.
  ['index-backends', ['--all']],
  ['pad-evaluation', []],
  // The passive PAD model left out source by source; the first run measures ../shared/data into
  // .cache/pad (several minutes), later runs reuse it.
  ['pad-loso', ['--videos']],
];

function runBench(name: string, args: string[]): boolean {
  const started = performance.now();
  console.log(
    `\n## ${name}\n\n\`npx tsx bench/${name}.ts${args.length ? ` ${args.join(' ')}` : ''}\`\n`,
  );
  // Each bench in a child process, so one cannot warm caches or pin threads for the next.
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, `${name}.ts`), ...args],
    {
      stdio: 'inherit',
      env: process.env,
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `\n(${name}: ${ok ? 'done' : `FAILED (${result.error?.message ?? `exit ${String(result.status ?? result.signal)}`})`} in ${seconds} s)`,
  );
  return ok;
}

function main(): void {
  const { values } = parseArgs({ options: { all: { type: 'boolean', default: false } } });
  const plan: [string, string[]][] = [
    ...FAST.map((n): [string, string[]] => [n, []]),
    ...(values.all ? LONG : []),
  ];
  const failed = plan.filter(([name, args]) => !runBench(name, args)).map(([name]) => name);
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
