import { StationError } from '../../../shared/errors';
import { cliRefusal } from '../../core/ipc/dispatch';
import type { Station } from '../../core/station.service';
import { defaultDataDir } from '../../core/util/data-dir';
import { defaultModelsDir } from '../../core/models/model-verifier';
import { openStation } from '../../station-factory';
import { cliRole, ROLE_ENV, stationClient } from './cli-client';
import { COMMANDS, findCommand, type CommandContext } from './cli-command-table';
import { parseCommandLine } from './cli-options';
import { createOutput, EXIT } from './cli-output';
import { withOpenStation } from './cli-station';
import { textArgumentProblem } from './cli-text-args';

/** The usage text, generated from the command table. */
export function usageText(): string {
  return `Usage: station [--data-dir DIR] [--models-dir DIR] [--json] [--as admin|reviewer] <command>

Commands:
${COMMANDS.map((c) => c.usage).join('\n')}

Data folder: --data-dir, else $STATION_DATA_DIR, else ${defaultDataDir()}
Role: the CLI acts as admin (the data folder is yours); --as reviewer or ${ROLE_ENV}=reviewer
limits it to the reviewer's operations (a refusal exits ${EXIT.refused}).`;
}

/** Entry point of the `station` CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    return usageFailure(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const out = createOutput(values.json);
  const [name, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${usageText()}\n`);
    return EXIT.ok;
  }
  if (!name) return usageFailure('no command given');
  const command = findCommand(name);
  if (!command) return usageFailure(`unknown command: ${name}`);
  const acting = cliRole(values.as);
  if ('problem' in acting) return usageFailure(acting.problem);
  const problem = command.check(rest, values) ?? textArgumentProblem(name, rest, values, argv);
  if (problem) return usageFailure(problem);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const modelsDir = values['models-dir'] ?? defaultModelsDir();
  const ctx: CommandContext = {
    out,
    rest,
    values,
    dataDir,
    modelsDir,
    role: acting.role,
    open: (): Promise<Station> => openStation({ dataDir, modelsDir, mode: 'cli' }),
  };
  try {
    // The command's own gate for what it does outside dispatch; its contract calls are
    // checked again one by one.
    const refusal = cliRefusal(command.roles(rest, values), acting.role);
    if (refusal !== null) throw new StationError('UNAUTHORIZED', `${name}: ${refusal}`);
    if (command.runs === 'standalone') return await command.run(ctx);
    return await withOpenStation(ctx.open, (station) =>
      command.run({ ...ctx, station, client: stationClient(station, acting.role) }),
    );
  } catch (err) {
    return out.error(err);
  }
}

/**
 * A usage error: what is wrong and where to look, on stderr. The whole usage text (~50 lines)
 * would bury the one line that matters; `--help` prints it on stdout.
 */
function usageFailure(problem: string): number {
  process.stderr.write(`station: ${problem}\nRun \`station --help\` for usage.\n`);
  return EXIT.usage;
}
