import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNodeBundles } from '../../scripts/setup/node-bundle-builder';
import { makeTempDir } from '../support/temp-dir';

/**
 * The bundled Node build (vite.node.config.ts -> out/node): bin/station.cjs runs the bundle only
 * while it is newer than every source file, else the TypeScript through tsx; and the bundle is
 * the same CLI as the source (same output, same exit codes) without loading tsx at all.
 */
const ROOT = resolve(__dirname, '../..');

interface NodeEntryModule {
  pickBuild(root: string, name: string, env?: NodeJS.ProcessEnv): { kind: 'bundle' | 'source' };
}
const nodeEntry = createRequire(__filename)(join(ROOT, 'bin', 'node-entry.cjs')) as NodeEntryModule;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/station.cjs picks the bundle only when it is fresh (temp copy of the layout)', () => {
  const tmp = makeTempDir('station-bin-pick-');
  const root = tmp.dir;
  const bundle = join(root, 'out', 'node', 'station-cli.cjs');
  const source = join(root, 'src', 'main', 'hosts', 'cli', 'station-cli.ts');
  const shared = join(root, 'src', 'shared', 'errors.ts');
  const testFile = join(root, 'src', 'main', 'hosts', 'cli', 'station-cli.test.ts');
  /** Folders too: their mtime moves when a file is added, removed or renamed in them. */
  const sourceDirs = [
    dirname(source),
    dirname(dirname(source)),
    dirname(dirname(dirname(source))),
    dirname(shared),
  ];
  /** A fixed past instant: mtimes are set explicitly, so nothing depends on the clock. */
  const T0 = new Date('2026-01-01T00:00:00Z');
  const at = (file: string, offsetS: number) => {
    const t = new Date(T0.getTime() + offsetS * 1000);
    utimesSync(file, t, t);
  };
  const station = (env: NodeJS.ProcessEnv = {}) =>
    runNode([join(root, 'bin', 'station.cjs'), 'probe'], {
      STATION_NODE_BUNDLE: undefined,
      ...env,
    });

  beforeAll(() => {
    for (const f of ['station.cjs', 'node-entry.cjs']) {
      mkdirSync(join(root, 'bin'), { recursive: true });
      copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
    }
    // tsx (the fallback) is resolved from the copy's node_modules, as in the real layout.
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    for (const f of [bundle, source, shared, testFile]) mkdirSync(dirname(f), { recursive: true });
    // The "source" uses TypeScript syntax, so reaching it proves tsx transpiled it.
    writeFileSync(
      source,
      `export async function main(argv: string[]): Promise<number> {\n` +
        `  process.stdout.write(\`source \${argv.join(' ')}\\n\`);\n  return 3;\n}\n`,
    );
    writeFileSync(
      bundle,
      `'use strict';\nexports.main = async (argv) => {\n` +
        `  process.stdout.write('bundle ' + argv.join(' ') + '\\n');\n  return 4;\n};\n`,
    );
    writeFileSync(shared, 'export const X = 1;\n');
    writeFileSync(testFile, 'export {};\n');
  });
  afterAll(() => tmp.cleanup());

  it('runs the bundle when it is newer than every file under src/main and src/shared', () => {
    for (const f of [source, shared, testFile]) at(f, 0);
    for (const d of sourceDirs) at(d, 0);
    at(bundle, 100);
    expect(station()).toMatchObject({ code: 4, stdout: 'bundle probe\n' });
    // A newer test file is never part of the bundle, so it does not make the bundle stale.
    at(testFile, 200);
    expect(station()).toMatchObject({ code: 4, stdout: 'bundle probe\n' });
  });

  it('falls back to tsx when any source file is newer than the bundle', () => {
    at(bundle, 100);
    at(shared, 200);
    expect(station()).toMatchObject({ code: 3, stdout: 'source probe\n' });
    at(shared, 0);
    at(source, 101);
    expect(station()).toMatchObject({ code: 3, stdout: 'source probe\n' });
    at(source, 0);
    expect(station()).toMatchObject({ code: 4, stdout: 'bundle probe\n' });
    // A file added (here: with an old mtime, as cp -p would) moves its folder's mtime.
    const added = join(dirname(shared), 'added.ts');
    writeFileSync(added, 'export const Y = 2;\n');
    at(added, 0);
    expect(station()).toMatchObject({ code: 3, stdout: 'source probe\n' });
    rmSync(added);
    at(dirname(shared), 0);
    expect(station()).toMatchObject({ code: 4, stdout: 'bundle probe\n' });
  });

  it('falls back to tsx without a bundle, and follows STATION_NODE_BUNDLE=0/1', () => {
    at(bundle, 100);
    expect(station({ STATION_NODE_BUNDLE: '0' })).toMatchObject({ stdout: 'source probe\n' });
    at(source, 200);
    expect(station({ STATION_NODE_BUNDLE: '1' })).toMatchObject({ stdout: 'bundle probe\n' });
    const bad = station({ STATION_NODE_BUNDLE: 'yes' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('STATION_NODE_BUNDLE must be 0, 1 or auto');
    rmSync(bundle);
    expect(station()).toMatchObject({
      code: 3,
      stdout: 'source probe\n',
    });
  });
});

describe('the bundled CLI (out/node/station-cli.cjs) is the same CLI as the TypeScript source', () => {
  const tmp = makeTempDir('station-bundle-cli-');
  /** Prints, at exit, which of tsx and the bundle the process loaded. */
  const probe = join(tmp.dir, 'loaded-probe.cjs');
  const bin = join(ROOT, 'bin', 'station.cjs');
  const viaBundle = (...args: string[]) =>
    runNode(['--require', probe, bin, ...args], { STATION_NODE_BUNDLE: '1' });
  const viaTsx = (...args: string[]) =>
    runNode(['--require', probe, bin, ...args], { STATION_NODE_BUNDLE: '0' });
  const loaded = (r: Run) => r.stderr.split('\n').find((l) => l.startsWith('loaded:')) ?? '';
  const withoutProbe = (r: Run) => ({
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^loaded:.*\n/m, ''),
  });

  beforeAll(async () => {
    // CI's postinstall built it; a developer's tree may hold a stale one (src edited since).
    if (nodeEntry.pickBuild(ROOT, 'station-cli', {}).kind !== 'bundle') {
      await buildNodeBundles(ROOT);
    }
    writeFileSync(
      probe,
      `process.on('exit', () => {\n` +
        `  const keys = Object.keys(require.cache);\n` +
        `  const tsx = keys.some((k) => k.includes('/node_modules/tsx/'));\n` +
        `  const bundle = keys.some((k) => k.endsWith('/out/node/station-cli.cjs'));\n` +
        `  process.stderr.write('loaded: tsx=' + tsx + ' bundle=' + bundle + '\\n');\n` +
        `});\n`,
    );
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('--help: same usage text and exit code, and the bundle loads no tsx', () => {
    const b = viaBundle('--help');
    const t = viaTsx('--help');
    expect(loaded(b)).toBe('loaded: tsx=false bundle=true');
    expect(loaded(t)).toBe('loaded: tsx=true bundle=false');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('Usage: station');
    expect(withoutProbe(b)).toEqual(withoutProbe(t));
  });

  it('gallery stats --json on a fresh data folder: same document from both', () => {
    const b = viaBundle('--data-dir', join(tmp.dir, 'bundle-data'), 'gallery', 'stats', '--json');
    const t = viaTsx('--data-dir', join(tmp.dir, 'tsx-data'), 'gallery', 'stats', '--json');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ templates: 0, index: { size: 0 } });
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(t.stdout));
    expect(withoutProbe(b)).toEqual(withoutProbe(t));
  });

  it('a usage error: same message on stderr and the same exit code', () => {
    const dataDir = join(tmp.dir, 'usage-data');
    const b = viaBundle('--data-dir', dataDir, 'verify', 'only-one.jpg');
    const t = viaTsx('--data-dir', dataDir, 'verify', 'only-one.jpg');
    expect(b.code).toBe(2);
    expect(withoutProbe(b)).toEqual(withoutProbe(t));
  });
});
