/**
 * `npm run native:faiss [-- --force]`: build faiss-node's addon against the system faiss.
 */
import { projectRoot } from '../../src/main/core/models/model-verifier';
import { buildFaissAddon } from './faiss-addon-builder';

try {
  const started = Date.now();
  const result = buildFaissAddon({
    root: projectRoot(),
    force: process.argv.includes('--force'),
    log: (line) => console.log(`[faiss] ${line}`),
  });
  console.log(
    `[faiss] ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.output}, ${result.stationOutput}${result.avx2Output ? `, ${result.avx2Output}` : ''}`,
  );
} catch (err) {
  console.error(`[faiss] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
