import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStationHandlers } from '../../core/ipc/station-handlers';
import { projectRoot } from '../../core/models/model-verifier';
import { openStation } from '../../station-factory';
import { defaultDataDir } from '../../core/util/data-dir';
import { toErrorPayload } from '../../../shared/errors';
import { longArgumentProblem } from '../../../shared/plain-text';
import { startLoopbackHost } from './loopback-host';

const USAGE = `Usage: npm start -- [--data-dir DIR] [--models-dir DIR] [--port N] [--chromium] [--chromium-path PATH] [--rebuild]

Runs the station in "browser mode": the same core as the Electron app, served to a local
Chromium over 127.0.0.1 only. Prints the address to open (it carries a per-run access key).
  --chromium       also open the terminal in Chromium's app mode (--chromium-path, default /usr/bin/chromium)
  --rebuild        rebuild the renderer even if out/renderer exists
Data folder: --data-dir, else $STATION_DATA_DIR, else ${defaultDataDir()}`;

/**
 * Chromium flags for the terminal window: its own throw-away profile, and none of Chromium's own
 * background traffic (updates, sync, field trials), because a door terminal sends nothing anywhere.
 */
export function chromiumAppArgs(url: string, profileDir: string): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--metrics-recording-only',
    '--disable-features=MediaRouter,OptimizationHints,Translate',
  ];
}

/**
 * Builds the renderer as `npm run build:web` does. Vite loads its config itself because the bundled
 * host cannot require() the ESM-only Svelte plugin on Node 20.
 */
async function buildRenderer(root: string): Promise<void> {
  process.stdout.write('Building the renderer…\n');
  // Vite 8 warns that a future config loader will not read our (ESM-syntax .ts) configs; the
  // build itself is unaffected, and `npm run build:web` still shows the warning to developers.
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.web.config.ts'), logLevel: 'warn' });
}

function launchChromium(
  executable: string,
  url: string,
): { child: ChildProcess; cleanup: () => void } {
  const profileDir = mkdtempSync(join(tmpdir(), 'station-chromium-'));
  const child = spawn(executable, chromiumAppArgs(url, profileDir), { stdio: 'ignore' });
  return { child, cleanup: () => rmSync(profileDir, { recursive: true, force: true }) };
}

function parseCli(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      port: { type: 'string' },
      chromium: { type: 'boolean', default: false },
      'chromium-path': { type: 'string', default: '/usr/bin/chromium' },
      rebuild: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

export async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseCli>;
  try {
    values = parseCli(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const longArgument = longArgumentProblem(argv);
  if (longArgument) {
    process.stderr.write(`${longArgument}\n`);
    return 2;
  }
  const root = projectRoot();
  const rendererDir = join(root, 'out', 'renderer');
  if (values.rebuild || !existsSync(join(rendererDir, 'index.html'))) await buildRenderer(root);

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const station = await openStation({
    dataDir,
    ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
    mode: 'browser',
  });
  // A station of a site keeps syncing in the background (none otherwise).
  station.site?.start();
  const host = await startLoopbackHost({
    handlers: createStationHandlers(station),
    doorEvents: (listener) => station.terminalAdmin.subscribe(listener),
    rendererDir,
    port: values.port ? Number(values.port) : 0,
  });
  process.stdout.write(
    `Station data: ${dataDir}\nOpen the door terminal at:\n  ${host.url}\n(Ctrl+C to stop)\n`,
  );

  const chromium = values.chromium ? launchChromium(values['chromium-path'], host.url) : null;
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
    chromium?.child.once('exit', () => resolveStop());
  });
  chromium?.child.kill();
  chromium?.cleanup();
  await host.close();
  await station.site?.close();
  station.close();
  return 0;
}

/** Runs browser mode as a program: sets the exit code, reports a start-up failure in one line. */
export function runBrowserMode(argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const { code, message } = toErrorPayload(err);
      process.stderr.write(`station (browser mode) could not start: ${code}: ${message}\n`);
      process.exitCode = 1;
    },
  );
}

// `npm start` goes through bin/browser-mode.cjs (bundle or tsx); this file, or its bundle
// out/node/browser-mode.cjs, can also be run directly.
if (typeof require !== 'undefined' && require.main === module) {
  runBrowserMode(process.argv.slice(2));
}
