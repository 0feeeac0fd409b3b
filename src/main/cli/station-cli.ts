import { parseArgs } from 'node:util';
import { StationError } from '../../shared/errors';
import type { Station } from '../core/station.service';
import { openStation } from '../station-factory';
import { defaultDataDir } from '../core/util/data-dir';
import {
  type EnrollOptions,
  enrollCommand,
  identifyCommand,
  peopleListCommand,
  verifyCommand,
} from './cli-commands';
import { calibrateCommand } from './calibrate-command';
import { ENROLL_BULK_USAGE, enrollBulkCommand } from './enroll-bulk-command';
import { CALIBRATE_OPTIONS, CALIBRATE_USAGE, checkCalibrateUsage } from './calibrate-usage';
import { eraseCommand } from './erase-command';
import { AUDIT_OPTIONS, AUDIT_USAGE, auditCommand, checkAuditUsage } from './audit-commands';
import { createOutput, EXIT } from './cli-output';
import { textArgumentProblem } from './cli-text-args';
import { LIVENESS_USAGE, livenessCommand, parseMaxSeconds } from './liveness-command';
import { ACCESS_USAGE, accessCommand } from './access-command';
import { PAD_EVAL_USAGE, padEvalCommand, parseBands } from './pad-eval-command';
import { DOOR_USAGE, doorSetCommand, doorShowCommand } from './door-command';
import { checkGalleryUsage, GALLERY_USAGE, galleryCommand } from './gallery-command';
import { checkSiteUsage, SITE_OPTIONS, SITE_USAGE, siteCommand } from './site-command';
import { siteAuditCommand } from './site-audit-command';
import { checkModelUsage, MODEL_USAGE, modelCommand, switchEmbeddingModel } from './model-command';
import { defaultModelsDir } from '../core/models/model-verifier';
import {
  checkOperatorUsage,
  OPERATOR_OPTIONS,
  OPERATOR_USAGE,
  operatorCommand,
} from './operator-command';

const USAGE = `Usage: station [--data-dir DIR] [--models-dir DIR] [--json] <command>

Commands:
  enroll --name NAME --consent FILE...   enrol a person from 1-10 photos (consent is required)
         [--allow-duplicate]             enrol even if a face matches another enrolled person
  enroll --add-to NAME-or-ID --consent FILE...
                                         re-enrol: add photos to an enrolled person
${ENROLL_BULK_USAGE}
  identify FILE...                       1:N identification of every face in each image
  verify FILE_A FILE_B                   1:1 verification of the largest face in each image
  people list                            list enrolled people
  people erase NAME-or-ID                erase a person (GDPR Art. 17) and verify no trace remains
${AUDIT_USAGE}
${CALIBRATE_USAGE}
${LIVENESS_USAGE}
${ACCESS_USAGE}
${PAD_EVAL_USAGE}
${DOOR_USAGE}
${GALLERY_USAGE}
${MODEL_USAGE}
${OPERATOR_USAGE}
${SITE_USAGE}
  audit verify|query|export ... --site [--station ID]
                                         the same on the site's log (every door)

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
        'allow-duplicate': { type: 'boolean', default: false },
        'add-to': { type: 'string' },
        pairs: { type: 'string' },
        groups: { type: 'string' },
        'target-fmr': { type: 'string' },
        'max-seconds': { type: 'string' },
        file: { type: 'string' },
        index: { type: 'string' },
        labels: { type: 'string' },
        bands: { type: 'string' },
        ...AUDIT_OPTIONS,
        ...CALIBRATE_OPTIONS,
        ...OPERATOR_OPTIONS,
        ...SITE_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usageFailure(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const out = createOutput(values.json);
  const [command, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (!command) return usageFailure('no command given');
  const usageError =
    command === 'site'
      ? checkSiteUsage(rest, values)
      : command === 'audit'
        ? checkAuditUsage(rest, values, values.site)
        : command === 'operator'
          ? checkOperatorUsage(rest, values)
          : command === 'calibrate'
            ? checkCalibrateUsage(rest, values)
            : command === 'model'
              ? checkModelUsage(rest)
              : checkUsage(command, rest, values);
  if (usageError) return usageFailure(usageError);
  const textError = textArgumentProblem(command, rest, values, argv);
  if (textError) return usageFailure(textError);
  if (command === 'liveness') {
    // Judges a recording only: needs the models, not the data folder.
    try {
      return await livenessCommand(out, {
        video: rest[0] ?? '',
        modelsDir: values['models-dir'],
        maxSeconds: values['max-seconds'],
      });
    } catch (err) {
      return out.error(err);
    }
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const modelsDir = values['models-dir'] ?? defaultModelsDir();
  const open = (): Promise<Station> => openStation({ dataDir, modelsDir, mode: 'cli' });
  if (command === 'site') {
    // Opens (and for join/init reopens) the station itself; pair and revoke need none.
    try {
      return await siteCommand(open, dataDir, out, rest, values);
    } catch (err) {
      return out.error(err);
    }
  }
  let station: Station | undefined;
  try {
    // A model switch is checked (and recorded) before the station opens with the new model.
    const previousSpace =
      command === 'model' && rest[0] === 'use'
        ? await switchEmbeddingModel(dataDir, modelsDir, rest[1] ?? '')
        : null;
    station = await open();
    if (previousSpace !== null) station.recordEmbeddingModelChange(previousSpace, 'cli');
    warnExcludedModels(station);
    if (command === 'model') return modelCommand(station.embeddingModel(), out, rest[0]);
    if (command === 'calibrate') {
      const { pairs, enrolled, folder, groups, csv, 'target-fmr': targetFmr } = values;
      return await calibrateCommand(station, out, {
        pairs,
        enrolled,
        folder,
        groups,
        targetFmr,
        csv,
        adoptIdentify: values['adopt-identify'],
        adoptVerify: values['adopt-verify'],
      });
    }
    if (command === 'audit' && values.site)
      return await siteAuditCommand(station, out, rest, values);
    if (command === 'audit') return auditCommand(station, out, rest, values);
    if (command === 'gallery') return galleryCommand(station, out, rest[0], values.index);
    if (command === 'operator') return await operatorCommand(station, out, values);
    if (command === 'door')
      return rest[0] === 'set'
        ? await doorSetCommand(station, out, values.file ?? '')
        : doorShowCommand(station, out);
    if (command === 'pad-eval')
      return await padEvalCommand(station, out, {
        labels: values.labels ?? '',
        csv: values.csv,
        bands: parseBands(values.bands) as { spoofBelow: number; clearLiveMin: number } | undefined,
      });
    if (command === 'access')
      return await accessCommand(station, out, {
        video: rest[0] ?? '',
        maxSeconds: values['max-seconds'],
      });
    if (command === 'enroll' && (values.csv || values.folder !== undefined))
      return await enrollBulkCommand(
        station,
        out,
        values.folder !== undefined ? { folder: values.folder } : { csv: rest[0] ?? '' },
      );
    return await run(station, out, command, rest, {
      name: values.name ?? '',
      allowDuplicate: values['allow-duplicate'],
      addTo: values['add-to'],
    });
  } catch (err) {
    return out.error(err);
  } finally {
    await station?.site?.close();
    station?.close();
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

/** Templates of another embedding space are never mixed into the index: say so, every run. */
function warnExcludedModels(station: Station): void {
  for (const note of station.integrityNotes) process.stderr.write(`station: warning: ${note}\n`);
  const tampered = station.galleryReport.tampered;
  if (tampered.length > 0) {
    const people = new Set(tampered.map((t) => t.personId)).size;
    process.stderr.write(
      `station: warning: recognition is stopped: ${tampered.length} stored template(s) of ` +
        `${people} person(s) failed their integrity check (templates ` +
        `${tampered.map((t) => t.templateId).join(', ')}); erase those people or restore the ` +
        'database, then run `station gallery rebuild`\n',
    );
  }
  for (const m of station.galleryReport.excludedOtherModels) {
    process.stderr.write(
      `station: warning: ${m.templates} template(s) of embedding space ${m.modelId} are not ` +
        'searchable with the current model; re-enrol or erase those people (station model show)\n',
    );
  }
}

function checkUsage(
  command: string,
  rest: string[],
  v: {
    name?: string | undefined;
    'add-to'?: string | undefined;
    consent: boolean;
    'max-seconds'?: string | undefined;
    file?: string | undefined;
    index?: string | undefined;
    labels?: string | undefined;
    bands?: string | undefined;
    csv?: boolean;
    folder?: string | undefined;
    json?: boolean;
  },
): string | null {
  switch (command) {
    case 'enroll':
      if (v.csv || v.folder !== undefined) return checkBulkUsage(rest, v);
      if (!v.name?.trim() && !v['add-to']?.trim()) {
        return 'enroll needs --name NAME (new person) or --add-to NAME-or-ID (re-enrolment)';
      }
      if (v.name && v['add-to']) return 'enroll takes --name or --add-to, not both';
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
    case 'door':
      if (rest[0] === 'show' && rest.length === 1) return null;
      if (rest[0] === 'set' && rest.length === 1)
        return v.file ? null : 'door set needs --file JSON';
      return 'unknown door subcommand (try: door show | door set --file JSON)';
    case 'gallery':
      return checkGalleryUsage(rest, v.index);
    case 'pad-eval':
      if (rest.length)
        return 'pad-eval takes no positional arguments (the files are in --labels CSV)';
      if (!v.labels) return 'pad-eval needs --labels CSV (columns file,label,species)';
      if (typeof parseBands(v.bands) === 'string') return parseBands(v.bands) as string;
      return v.csv && v.json ? 'pad-eval takes --json or --csv, not both' : null;
    case 'liveness':
    case 'access':
      if (rest.length !== 1) return `${command} needs exactly one VIDEO file`;
      return Number.isNaN(parseMaxSeconds(v['max-seconds']))
        ? '--max-seconds must be a number of seconds > 0'
        : null;
    default:
      return `unknown command: ${command}`;
  }
}

/** `enroll --csv FILE` or `enroll --folder DIR`: a whole list, with consent for all of it. */
function checkBulkUsage(
  rest: string[],
  v: {
    name?: string | undefined;
    'add-to'?: string | undefined;
    consent: boolean;
    csv?: boolean;
    folder?: string | undefined;
  },
): string | null {
  if (v.csv && v.folder !== undefined) return 'enroll takes --csv FILE or --folder DIR, not both';
  if (v.name !== undefined || v['add-to'] !== undefined)
    return 'a bulk enrol takes the names from the list, not --name or --add-to';
  if (!v.consent)
    return 'enroll needs --consent: everyone on the list must have agreed to enrolment';
  if (v.csv) return rest.length === 1 ? null : 'enroll --csv needs exactly one CSV file';
  return rest.length === 0 ? null : 'enroll --folder DIR takes no other files';
}

async function run(
  station: Station,
  out: ReturnType<typeof createOutput>,
  command: string,
  rest: string[],
  enroll: EnrollOptions,
): Promise<number> {
  switch (command) {
    case 'enroll':
      return enrollCommand(station, out, enroll, rest);
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
