/**
 * `npm run native:electron`: builds better-sqlite3 against Electron's headers into
 * native/electron/better_sqlite3.node, leaving node_modules' Node build untouched (tests, the CLI
 * and browser mode keep using it). The app passes this file as better-sqlite3's `nativeBinding`
 * when it runs inside Electron (src/main/adapters/native-paths.ts).
 *
 * Needs network once, for Electron's headers (https://electronjs.org/headers), and a C++20
 * toolchain + python3 (node-gyp). Options:
 *   --dry-run                 print the plan, build nothing
 *   --electron-version X.Y.Z  default: the installed `electron` package
 *   --arch x64|arm64          default: this machine's
 *   --runtime node            build against this Node instead, into .cache/ (checks the
 *                             pipeline offline; the result is not used by the app)
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ElectronSqliteStamp } from '../../src/main/adapters/native-paths';
import { findNodeGyp, nodeHeadersDir } from './node-gyp-locator';

const ROOT = resolve(__dirname, '..', '..');
const CACHE = join(ROOT, '.cache', 'native');

interface Plan {
  runtime: 'electron' | 'node';
  target: string;
  arch: string;
  /** Expected ABI (NODE_MODULE_VERSION) of the result: checked in the built binary. */
  modules: string;
  sourceDir: string;
  workDir: string;
  outFile: string;
  nodeGypArgs: string[];
  env: NodeJS.ProcessEnv;
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function makePlan(argv: readonly string[]): Plan {
  const runtime = argValue(argv, '--runtime') === 'node' ? 'node' : 'electron';
  const arch = argValue(argv, '--arch') ?? process.arch;
  const sourceDir = dirname(require.resolve('better-sqlite3/package.json'));
  const electronDir = dirname(require.resolve('electron/package.json'));
  const env = { ...process.env };
  if (runtime === 'node') {
    const nodedir = nodeHeadersDir(env);
    const target = process.versions.node;
    return {
      runtime,
      target,
      arch,
      modules: process.versions.modules,
      sourceDir,
      workDir: join(CACHE, `node-${target}-${arch}`, 'better-sqlite3'),
      outFile: join(CACHE, `node-${target}-${arch}`, 'better_sqlite3.node'),
      nodeGypArgs: [
        'rebuild',
        '--release',
        `--arch=${arch}`,
        ...(nodedir ? [`--nodedir=${nodedir}`] : []),
      ],
      env,
    };
  }
  const target =
    argValue(argv, '--electron-version') ??
    readJson<{ version: string }>(join(electronDir, 'package.json')).version;
  const abiFile = join(electronDir, 'abi_version');
  const modules = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : '';
  // npm exports npm_config_nodedir (set in some npmrc files, e.g. to Debian's /usr): it would
  // silently compile against Node's headers instead of Electron's. Electron's headers only.
  for (const key of Object.keys(env)) if (/^npm_config_nodedir$/i.test(key)) delete env[key];
  return {
    runtime,
    target,
    arch,
    modules,
    sourceDir,
    workDir: join(CACHE, `electron-${target}-${arch}`, 'better-sqlite3'),
    outFile: join(ROOT, 'native', 'electron', 'better_sqlite3.node'),
    nodeGypArgs: [
      'rebuild',
      '--release',
      `--target=${target}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
      '--runtime=electron',
      // Electron headers in their own cache, never mixed with Node's.
      `--devdir=${join(CACHE, 'electron-gyp')}`,
    ],
    env,
  };
}

/** Copies the package sources (not its build/) so node_modules' Node addon stays as it is. */
function prepareWorkDir(plan: Plan): void {
  rmSync(plan.workDir, { recursive: true, force: true });
  mkdirSync(plan.workDir, { recursive: true });
  for (const entry of ['binding.gyp', 'package.json', 'src', 'deps']) {
    cpSync(join(plan.sourceDir, entry), join(plan.workDir, entry), { recursive: true });
  }
}

function runNodeGyp(plan: Plan): void {
  const nodeGyp = findNodeGyp(plan.env);
  const args = [nodeGyp, ...plan.nodeGypArgs, '--jobs=max'];
  const result = spawnSync(process.execPath, args, {
    cwd: plan.workDir,
    env: plan.env,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(
      `node-gyp failed (exit ${String(result.status)}). Building for Electron downloads its headers ` +
        'from https://electronjs.org/headers: it needs network access, python3 and a C++20 compiler.',
    );
  }
}

/** better-sqlite3 registers with NODE_MODULE: its exported symbol names the ABI it was built for. */
function checkAbi(file: string, modules: string): void {
  if (!modules) return;
  const symbol = `node_register_module_v${modules}`;
  if (!readFileSync(file).includes(symbol))
    throw new Error(`${file} does not export ${symbol}: built for another ABI`);
}

function main(argv: readonly string[]): void {
  const plan = makePlan(argv);
  console.log(
    `better-sqlite3 for ${plan.runtime} ${plan.target} (${plan.arch}, ABI ${plan.modules || '?'})`,
  );
  console.log(
    `  sources: ${plan.sourceDir}\n  work dir: ${plan.workDir}\n  output: ${plan.outFile}`,
  );
  console.log(`  node-gyp ${plan.nodeGypArgs.join(' ')}`);
  if (argv.includes('--dry-run')) return;
  prepareWorkDir(plan);
  runNodeGyp(plan);
  const built = join(plan.workDir, 'build', 'Release', 'better_sqlite3.node');
  checkAbi(built, plan.modules);
  mkdirSync(dirname(plan.outFile), { recursive: true });
  copyFileSync(built, plan.outFile);
  const stamp: ElectronSqliteStamp = {
    electron: plan.runtime === 'electron' ? plan.target : '',
    modules: plan.modules,
    betterSqlite3: readJson<{ version: string }>(join(plan.sourceDir, 'package.json')).version,
  };
  writeFileSync(plan.outFile.replace(/\.node$/, '.json'), `${JSON.stringify(stamp, null, 2)}\n`);
  console.log(`wrote ${plan.outFile} (ABI ${plan.modules})`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`native:electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
