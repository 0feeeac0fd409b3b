/**
 * Boot cost of the `station` CLI: spawn -> exit of bin/station.cjs running the TypeScript
 * through tsx (STATION_NODE_BUNDLE=0) vs the bundle in out/node (STATION_NODE_BUNDLE=1, built
 * by `npm run build:node`), for a command that opens nothing (`--help`) and one that opens a
 * station (`gallery stats --json` on a fresh, empty data folder each run: database created,
 * migrations, keys, empty index). `node -e 0` is the floor no build can go under.
 * `--identify-dir DIR` adds `--json identify PHOTO` on an existing data folder (e.g. a COPY of
 * bench/gallery-cold-start.ts's 100k folder: identify appends audit rows), spawn -> exit.
 *
 *   npx tsx bench/cli-boot.ts [--repeats 10] [--warmup 1] [--identify-dir DIR [--image PHOTO]]
 *
 * Runs are interleaved (node, tsx, bundle for each command, then the next repeat) so the three
 * share whatever else the machine is doing; the 1-minute load average is printed before and
 * after. Warm-up runs are not counted: tsx keeps its transpile cache on disk, so the tsx rows
 * are tsx at its best (cache hit), not a first run after a source edit.
 * When the bundle is stale (src edited since it was built) it is rebuilt first, untimed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildNodeBundles } from '../scripts/setup/node-bundle-builder';
import { sharedDataPath } from '../tests/support/shared-data';
import { load1, ms, summarize } from './lib/bench-stats';

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'station.cjs');
const VARIANTS = ['node -e 0', 'tsx', 'bundle'] as const;
type Variant = (typeof VARIANTS)[number];
type Command = '--help' | 'gallery stats --json' | 'identify';

interface Options {
  identifyDir?: string;
  image: string;
}

const nodeEntry = createRequire(__filename)(join(ROOT, 'bin', 'node-entry.cjs')) as {
  pickBuild(root: string, name: string, env?: NodeJS.ProcessEnv): { kind: 'bundle' | 'source' };
};

/** Wall time from spawn to exit, ms; throws when the CLI fails (a broken run is not a figure). */
function runOnce(variant: Variant, command: Command, scratch: string, o: Options): number {
  const dataDir = mkdtempSync(join(scratch, 'data-'));
  const args =
    variant === 'node -e 0'
      ? ['-e', '0']
      : command === '--help'
        ? [BIN, '--help']
        : command === 'identify'
          ? [BIN, '--data-dir', o.identifyDir ?? '', '--json', 'identify', o.image]
          : [BIN, '--data-dir', dataDir, 'gallery', 'stats', '--json'];
  const env = { ...process.env, STATION_NODE_BUNDLE: variant === 'tsx' ? '0' : '1' };
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env, timeout: 120_000 });
  const wall = performance.now() - t0;
  rmSync(dataDir, { recursive: true, force: true });
  if (r.status !== 0) {
    throw new Error(`${variant} ${command} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  }
  return wall;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      'identify-dir': { type: 'string' },
      image: {
        type: 'string',
        default: sharedDataPath('small_identity_sets', 'faceapi_bbt', 'amy', 'amy1.png'),
      },
    },
  });
  const repeats = Number(values.repeats);
  const warmup = Number(values.warmup);
  const o: Options = {
    image: values.image,
    ...(values['identify-dir'] ? { identifyDir: values['identify-dir'] } : {}),
  };
  const commands: Command[] = ['--help', 'gallery stats --json'];
  if (o.identifyDir) commands.push('identify');
  if (nodeEntry.pickBuild(ROOT, 'station-cli', {}).kind !== 'bundle') {
    console.log('out/node is missing or older than src: building it (untimed)');
    console.log(await buildNodeBundles(ROOT));
  }
  const scratch = mkdtempSync(join(tmpdir(), 'station-bench-cli-boot-'));
  const times = new Map<string, number[]>();
  const load1Before = load1();
  const started = new Date().toISOString();
  try {
    for (let i = 0; i < warmup + repeats; i++) {
      for (const command of commands) {
        for (const variant of VARIANTS) {
          if (variant === 'node -e 0' && command !== '--help') continue;
          const wall = runOnce(variant, command, scratch, o);
          if (i < warmup) continue;
          const key = `${command}|${variant}`;
          times.set(key, [...(times.get(key) ?? []), wall]);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const load1After = load1();
  console.log(
    `\n${started} -> ${new Date().toISOString()}, Node ${process.version}, ${repeats} runs each ` +
      `(+${warmup} warm-up), 1-min load average ${load1Before.toFixed(2)} -> ${load1After.toFixed(2)}\n`,
  );
  console.log('| command | variant | runs | p50 ms | max ms | min ms |');
  console.log('| ------- | ------- | ---: | -----: | -----: | -----: |');
  for (const [key, values] of times) {
    const [command, variant] = key.split('|');
    const s = summarize(values);
    console.log(
      `| \`${command}\` | ${variant} | ${s.n} | ${ms(s.p50)} | ${ms(s.max)} | ${ms(s.min)} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
