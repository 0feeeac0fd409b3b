import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** dependency-cruiser with the project's rules on `paths`; its exit code is the error count. */
function cruise(...paths: string[]): { status: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, [...paths, '--config', CONFIG, '--output-type', 'err'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * The layers' import rules (.dependency-cruiser.cjs, docs/ARCHITECTURE.md) hold for src/: no
 * cycle, core imports no storage/adapter/host, storage imports no core rule, the page only the
 * contract. Part of `npm test`, so CI fails on a wrong-direction import or a cycle.
 */
describe('architecture', () => {
  it('src/ has no import cycle and no wrong-direction import', () => {
    const { status, output } = cruise('src');
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  }, 300_000);

  it('the rules catch a cycle (a two-file loop in a fixture)', () => {
    const { status, output } = cruise('tests/fixtures/import-cycle');
    expect(output).toContain('no-circular');
    expect(status).not.toBe(0);
  }, 300_000);
});
