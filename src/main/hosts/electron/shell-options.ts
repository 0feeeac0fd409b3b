/**
 * Command-line and environment options of the Electron shell, parsed without Electron so they
 * are unit-tested. Chromium switches share argv with ours; unknown arguments are ignored.
 */
export interface ShellOptions {
  /** Full-screen kiosk: `--kiosk` or STATION_KIOSK=1. */
  kiosk: boolean;
  /** `--data-dir` or STATION_DATA_DIR; otherwise the shell uses app.getPath('userData'). */
  dataDir: string | undefined;
  /** `--models-dir` or STATION_MODELS_DIR; otherwise the bundled models folder. */
  modelsDir: string | undefined;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes']);

export function parseShellOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ShellOptions {
  return {
    kiosk: argv.includes('--kiosk') || TRUE_VALUES.has((env.STATION_KIOSK ?? '').toLowerCase()),
    dataDir: optionValue(argv, '--data-dir') ?? nonEmpty(env.STATION_DATA_DIR),
    modelsDir: optionValue(argv, '--models-dir') ?? nonEmpty(env.STATION_MODELS_DIR),
  };
}

/** Accepts `--name=value` and `--name value`; the last occurrence wins, like most CLIs. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, i) => {
    if (arg.startsWith(`${name}=`)) found = nonEmpty(arg.slice(name.length + 1)) ?? found;
    else if (arg === name) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) found = nonEmpty(next) ?? found;
    }
  });
  return found;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
