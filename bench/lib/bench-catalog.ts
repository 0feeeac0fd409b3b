/**
 * The benchmark entry points: every `bench/*.ts` except the runner, each with a one-line
 * description read from its own header comment, so the list cannot drift from the folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a bench needs beyond the repository and how long it takes with its quick arguments. */
export type BenchNeed = 'data' | 'chromium' | 'postgres' | 'build' | 'long';

export interface BenchPlan {
  readonly needs: readonly BenchNeed[];
  /** Arguments for `--all`: the bench's own defaults when absent. */
  readonly quick?: readonly string[];
}

export interface BenchEntry extends BenchPlan {
  readonly name: string;
  readonly description: string;
}

export const BENCH_DIR = join(__dirname, '..');
export const RUNNER_FILE = 'run-all.ts';

/** Fast enough for a plain `npm run bench` (a minute or two together). */
export const FAST_BENCHES = [
  'pipeline-latency',
  'search-latency',
  'page-detect-latency',
  'frame-latency',
  'onnx-worker-latency',
] as const;

/**
 * Every entry point must be listed here (a unit test checks it), so a new bench states what it
 * needs and how `--all` runs it. 'long' means minutes to hours on the 2-core machine.
 */
export const BENCH_PLANS: Readonly<Record<string, BenchPlan>> = {
  'alignment-comparison': { needs: ['data', 'long'], quick: ['--limit', '600'] },
  'audit-log': { needs: [], quick: ['--rows', '100000'] },
  'audit-purge': { needs: ['long'], quick: ['--rows', '20000'] },
  'audit-review': { needs: ['long'], quick: ['--rows', '100000'] },
  'bias-report': { needs: ['data', 'long'], quick: ['--identify-only'] },
  'calibration-speed': { needs: ['data', 'long'] },
  'challenge-door': { needs: ['data', 'long'], quick: ['--tries', '1'] },
  'cli-boot': { needs: ['build'], quick: ['--repeats', '3'] },
  'detector-recall': { needs: ['data', 'long'], quick: ['--sets', 'multi,noface'] },
  'door-latency': { needs: ['data', 'chromium'], quick: ['--warm', '--runs', '3'] },
  'embedder-int8': { needs: ['data', 'long'], quick: ['--cost-only', '--runs', '100'] },
  'enroll-quality': { needs: ['data', 'long'], quick: ['--per-set', '50', '--degraded', '10'] },
  'frame-latency': { needs: ['data'] },
  'gallery-cold-start': {
    needs: ['data', 'build', 'long'],
    quick: ['--sizes', '10000', '--repeats', '2', '--cold', '0'],
  },
  'index-backends': { needs: ['data', 'long'], quick: ['--sizes', '10000', '--queries', '200'] },
  'lfw-verification': { needs: ['data', 'long'], quick: ['--limit', '600'] },
  'liveness-windows': { needs: ['data', 'long'], quick: ['krz', 'tran_photo_swayed'] },
  'onnx-worker-latency': { needs: ['data'] },
  'open-set-scoring': { needs: ['data', 'long'] },
  'pad-evaluation': { needs: ['data', 'long'], quick: ['--max-seconds', '3'] },
  'pad-loso': { needs: ['data', 'long'] },
  'page-detect-latency': { needs: ['data', 'chromium'] },
  'pipeline-latency': { needs: ['data'] },
  'recogniser-fusion': { needs: ['data', 'long'], quick: ['--limit', '600'] },
  'routed-index-sweep': {
    needs: ['data', 'long'],
    quick: ['--size', '100000', '--queries', '200', '--probe', '16'],
  },
  'search-latency': { needs: [] },
  'site-scale': {
    needs: ['postgres', 'data', 'long'],
    quick: ['--minutes', '1', '--people', '5000', '--stations', '5'],
  },
  'template-encryption': { needs: [], quick: ['--templates', '2000', '--repeats', '2'] },
};

/** Names of the entry points in `dir`, sorted: every `.ts` file there except the runner. */
export function benchNames(dir: string = BENCH_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== RUNNER_FILE)
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

/**
 * The first sentence of a file's leading block comment, on one line; '' when there is none.
 * A sentence ends at '.', '?' or ':' before a space or the end, outside parentheses; a colon
 * only after a few words, so "Issue 5 goal: ..." reads on to its full stop.
 */
export function headerDescription(source: string): string {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!header) return '';
  const text = (header[1] ?? '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    const atEnd = i + 1 === text.length || text[i + 1] === ' ';
    if (depth > 0 || !atEnd) continue;
    if (c === '.' || c === '?') return text.slice(0, i + 1);
    if (c === ':' && i >= MIN_COLON_SENTENCE) return `${text.slice(0, i)}.`;
  }
  return text;
}

const MIN_COLON_SENTENCE = 24;

/** Every entry point with its description and plan; throws on a bench missing from the plans. */
export function benchEntries(dir: string = BENCH_DIR): BenchEntry[] {
  return benchNames(dir).map((name) => {
    const plan = BENCH_PLANS[name];
    if (!plan) throw new Error(`bench/${name}.ts is not listed in BENCH_PLANS (bench-catalog.ts)`);
    const description = headerDescription(readFileSync(join(dir, `${name}.ts`), 'utf8'));
    return { name, description, ...plan };
  });
}
