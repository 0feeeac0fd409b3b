import { parseArgs } from 'node:util';
import { StationError } from '../../shared/errors';
import type { Station } from '../core/station.service';
import { openStation } from '../station-factory';
import { defaultDataDir } from '../core/util/data-dir';
import { enrollCommand, identifyCommand, peopleListCommand, verifyCommand } from './cli-commands';
import { calibrateCommand } from './calibrate-command';
import { eraseCommand } from './erase-command';
import { AUDIT_OPTIONS, AUDIT_USAGE, auditCommand, checkAuditUsage } from './audit-commands';
import { createOutput, EXIT } from './cli-output';

const USAGE = `Usage: station [--data-dir DIR] [--models-dir DIR] [--json] <command>

Commands:
  enroll --name NAME --consent FILE...   enrol a person from 1-10 photos (consent is required)
  identify FILE...                       1:N identification of every face in each image
  verify FILE_A FILE_B                   1:1 verification of the largest face in each image
  people list                            list enrolled people
  people erase NAME-or-ID                erase a person (GDPR Art. 17) and verify no trace remains
${AUDIT_USAGE}
  calibrate --pairs CSV [--groups CSV] [--target-fmr F]
                                         thresholds for target false-match rates from labelled
                                         pairs (img1,img2,same); changes no setting

Data folder: --data-dir, else $STATION_DATA_DIR, else ${defaultDataDir()}`;

/** Entry point of the `station` CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        'models-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        name: { type: 'string' },
        consent: { type: 'boolean', default: false },
        pairs: { type: 'string' },
        groups: { type: 'string' },
        'target-fmr': { type: 'string' },
        ...AUDIT_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(
      `station: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`,
    );
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const out = createOutput(values.json);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const usageError =
    command === 'audit' ? checkAuditUsage(rest, values) : checkUsage(command, rest, values);
  if (usageError) {
    process.stderr.write(`station: ${usageError}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  let station: Station | undefined;
  try {
    station = await openStation({
      dataDir: values['data-dir'] ?? defaultDataDir(),
      ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
      mode: 'cli',
    });
    if (command === 'calibrate') {
      const { pairs = '', groups, 'target-fmr': targetFmr } = values;
      return await calibrateCommand(station, out, { pairs, groups, targetFmr });
    }
    if (command === 'audit') return auditCommand(station, out, rest, values);
    return await run(station, out, command, rest, values.name ?? '');
  } catch (err) {
    return out.error(err);
  } finally {
    station?.close();
  }
}

function checkUsage(
  command: string,
  rest: string[],
  v: { name?: string | undefined; consent: boolean; pairs?: string | undefined },
): string | null {
  switch (command) {
    case 'enroll':
      if (!v.name?.trim()) return 'enroll needs --name NAME';
      if (!v.consent) return 'enroll needs --consent: the person must have agreed to enrolment';
      if (rest.length < 1 || rest.length > 10) return 'enroll needs 1 to 10 image files';
      return null;
    case 'identify':
      return rest.length < 1 ? 'identify needs at least one image file' : null;
    case 'verify':
      return rest.length !== 2 ? 'verify needs exactly two image files' : null;
    case 'people':
      if (rest[0] === 'list' && rest.length === 1) return null;
      if (rest[0] === 'erase') {
        return rest.length === 2 && rest[1]?.trim() ? null : 'people erase needs one NAME-or-ID';
      }
      return 'unknown people subcommand (try: people list | people erase NAME-or-ID)';
    case 'calibrate':
      if (!v.pairs) return 'calibrate needs --pairs CSV (columns img1,img2,same)';
      return rest.length ? 'calibrate takes no positional arguments' : null;
    default:
      return `unknown command: ${command}`;
  }
}

async function run(
  station: Station,
  out: ReturnType<typeof createOutput>,
  command: string,
  rest: string[],
  name: string,
): Promise<number> {
  switch (command) {
    case 'enroll':
      return enrollCommand(station, out, name, rest);
    case 'identify':
      return identifyCommand(station, out, rest);
    case 'verify':
      return verifyCommand(station, out, rest[0] ?? '', rest[1] ?? '');
    case 'people':
      return rest[0] === 'erase'
        ? eraseCommand(station, out, rest[1]?.trim() ?? '')
        : peopleListCommand(station, out);
    default:
      throw new StationError('BAD_REQUEST', `unknown command: ${command}`);
  }
}
