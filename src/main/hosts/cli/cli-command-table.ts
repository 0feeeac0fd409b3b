import type { OperatorRole } from '../../../shared/operator-roles';
import type { Station } from '../../core/station.service';
import { accessCommand, ACCESS_USAGE } from './access-command';
import { AUDIT_USAGE, auditCommand, checkAuditUsage } from './audit-commands';
import { calibrateCommand } from './calibrate-command';
import { CALIBRATE_USAGE, checkCalibrateUsage } from './calibrate-usage';
import { ensureChannelRole, stationClient, type CliClient } from './cli-client';
import { enrollCommand, identifyCommand, peopleListCommand, verifyCommand } from './cli-commands';
import type { CliValues } from './cli-options';
import type { Output } from './cli-output';
import { withOpenStation } from './cli-station';
import { DOOR_USAGE, doorSetCommand, doorShowCommand } from './door-command';
import { enrollBulkCommand, ENROLL_BULK_USAGE } from './enroll-bulk-command';
import { eraseCommand } from './erase-command';
import { checkGalleryUsage, galleryCommand, GALLERY_USAGE } from './gallery-command';
import { livenessCommand, LIVENESS_USAGE, parseMaxSeconds } from './liveness-command';
import { checkModelUsage, modelCommand, MODEL_USAGE, switchEmbeddingModel } from './model-command';
import { checkOperatorUsage, operatorCommand, OPERATOR_USAGE } from './operator-command';
import { padEvalCommand, PAD_EVAL_USAGE, parseBands } from './pad-eval-command';
import { siteAuditCommand } from './site-audit-command';
import { checkSiteUsage, siteCommand, SITE_USAGE } from './site-command';

/** What every command gets: its arguments and where to print. */
export interface CommandContext {
  out: Output;
  /** The positionals after the command name. */
  rest: string[];
  values: CliValues;
  dataDir: string;
  modelsDir: string;
  role: OperatorRole;
  /** Opens the data folder's station; whoever opens it closes it (see withOpenStation). */
  open: () => Promise<Station>;
}

/** A command that acts on the station: it gets the station's contract client. */
export interface StationContext extends CommandContext {
  station: Station;
  /** Every call goes through dispatch (roles, zod, error envelope) as the CLI caller. */
  client: CliClient;
}

/**
 * One CLI command. `station` commands run against the opened station (through `client`);
 * `standalone` ones open nothing (a recording judged without a data folder) or open the
 * station themselves (site join/init reopen it; a model switch is checked before opening).
 */
export type CliCommand = {
  name: string;
  /** Its lines of the usage text (two-column: synopsis, description). */
  usage: string;
  /** A usage problem (exit 2, before anything opens), or null. */
  check: (rest: string[], v: CliValues) => string | null;
  /**
   * Who may run it, checked by the runner before anything opens (empty = leave it to the
   * contract calls, which dispatch checks one by one). Only what acts outside dispatch names
   * roles here (the site's commands, which open the station themselves).
   */
  roles: (rest: string[], v: CliValues) => readonly OperatorRole[];
} & (
  | { runs: 'station'; run(ctx: StationContext): Promise<number> }
  | { runs: 'standalone'; run(ctx: CommandContext): Promise<number> }
);

const BY_DISPATCH = (): readonly OperatorRole[] => [];

const ENROLL_USAGE = `  enroll --name NAME --consent FILE...   enrol a person from 1-10 photos (consent is required)
         [--allow-duplicate]             enrol even if a face matches another enrolled person
  enroll --add-to NAME-or-ID --consent FILE...
                                         re-enrol: add photos to an enrolled person
${ENROLL_BULK_USAGE}`;

const enroll: CliCommand = {
  name: 'enroll',
  usage: ENROLL_USAGE,
  check(rest, v) {
    if (v.csv || v.folder !== undefined) return checkBulkUsage(rest, v);
    if (!v.name?.trim() && !v['add-to']?.trim()) {
      return 'enroll needs --name NAME (new person) or --add-to NAME-or-ID (re-enrolment)';
    }
    if (v.name && v['add-to']) return 'enroll takes --name or --add-to, not both';
    if (!v.consent) return 'enroll needs --consent: the person must have agreed to enrolment';
    if (rest.length < 1 || rest.length > 10) return 'enroll needs 1 to 10 image files';
    return null;
  },
  roles: BY_DISPATCH,
  runs: 'station',
  run: ({ client, out, rest, values: v }) =>
    v.csv || v.folder !== undefined
      ? enrollBulkCommand(
          client,
          out,
          v.folder !== undefined ? { folder: v.folder } : { csv: rest[0] ?? '' },
        )
      : enrollCommand(
          client,
          out,
          { name: v.name ?? '', allowDuplicate: v['allow-duplicate'], addTo: v['add-to'] },
          rest,
        ),
};

/** `enroll --csv FILE` or `enroll --folder DIR`: a whole list, with consent for all of it. */
function checkBulkUsage(rest: string[], v: CliValues): string | null {
  if (v.csv && v.folder !== undefined) return 'enroll takes --csv FILE or --folder DIR, not both';
  if (v.name !== undefined || v['add-to'] !== undefined)
    return 'a bulk enrol takes the names from the list, not --name or --add-to';
  if (!v.consent)
    return 'enroll needs --consent: everyone on the list must have agreed to enrolment';
  if (v.csv) return rest.length === 1 ? null : 'enroll --csv needs exactly one CSV file';
  return rest.length === 0 ? null : 'enroll --folder DIR takes no other files';
}

const recognition: CliCommand[] = [
  {
    name: 'identify',
    usage:
      '  identify FILE...                       1:N identification of every face in each image',
    check: (rest) => (rest.length < 1 ? 'identify needs at least one image file' : null),
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, rest }) => identifyCommand(client, out, rest),
  },
  {
    name: 'verify',
    usage:
      '  verify FILE_A FILE_B                   1:1 verification of the largest face in each image',
    check: (rest) => (rest.length !== 2 ? 'verify needs exactly two image files' : null),
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, rest }) => verifyCommand(client, out, rest[0] ?? '', rest[1] ?? ''),
  },
];

const people: CliCommand = {
  name: 'people',
  usage: `  people list                            list enrolled people
  people erase NAME-or-ID                erase a person (GDPR Art. 17) and verify no trace remains`,
  check(rest) {
    if (rest[0] === 'list' && rest.length === 1) return null;
    if (rest[0] === 'erase') {
      return rest.length === 2 && rest[1]?.trim() ? null : 'people erase needs one NAME-or-ID';
    }
    return 'unknown people subcommand (try: people list | people erase NAME-or-ID)';
  },
  roles: BY_DISPATCH,
  runs: 'station',
  run: ({ client, out, rest }) =>
    rest[0] === 'erase'
      ? eraseCommand(client, out, rest[1]?.trim() ?? '')
      : peopleListCommand(client, out),
};

const audit: CliCommand = {
  name: 'audit',
  usage: AUDIT_USAGE,
  check: (rest, v) => checkAuditUsage(rest, v, v.site),
  // This station's log or, with --site, the site's: contract calls either way.
  roles: BY_DISPATCH,
  runs: 'station',
  run: ({ client, out, rest, values: v }) =>
    v.site ? siteAuditCommand(client, out, rest, v) : auditCommand(client, out, rest, v),
};

const calibrate: CliCommand = {
  name: 'calibrate',
  usage: CALIBRATE_USAGE,
  check: checkCalibrateUsage,
  roles: BY_DISPATCH,
  runs: 'station',
  run: ({ client, out, values: v }) =>
    calibrateCommand(client, out, {
      pairs: v.pairs,
      enrolled: v.enrolled,
      folder: v.folder,
      groups: v.groups,
      targetFmr: v['target-fmr'],
      csv: v.csv,
      adoptIdentify: v['adopt-identify'],
      adoptVerify: v['adopt-verify'],
    }),
};

function checkVideoUsage(command: string, rest: string[], v: CliValues): string | null {
  if (rest.length !== 1) return `${command} needs exactly one VIDEO file`;
  return Number.isNaN(parseMaxSeconds(v['max-seconds']))
    ? '--max-seconds must be a number of seconds > 0'
    : null;
}

const recordings: CliCommand[] = [
  {
    name: 'liveness',
    usage: LIVENESS_USAGE,
    check: (rest, v) => checkVideoUsage('liveness', rest, v),
    // Judges a recording only: needs the models, not the data folder (recording-handlers.ts).
    runs: 'standalone',
    roles: BY_DISPATCH,
    run: ({ out, rest, role, values: v }) =>
      livenessCommand(out, role, {
        video: rest[0] ?? '',
        modelsDir: v['models-dir'],
        maxSeconds: v['max-seconds'],
      }),
  },
  {
    name: 'access',
    usage: ACCESS_USAGE,
    check: (rest, v) => checkVideoUsage('access', rest, v),
    // Replays a recording through the station's door decision (its own audit rows).
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, rest, values: v }) =>
      accessCommand(client, out, { video: rest[0] ?? '', maxSeconds: v['max-seconds'] }),
  },
  {
    name: 'pad-eval',
    usage: PAD_EVAL_USAGE,
    check(rest, v) {
      if (rest.length)
        return 'pad-eval takes no positional arguments (the files are in --labels CSV)';
      if (!v.labels) return 'pad-eval needs --labels CSV (columns file,label,species)';
      const bands = parseBands(v.bands);
      if (typeof bands === 'string') return bands;
      return v.csv && v.json ? 'pad-eval takes --json or --csv, not both' : null;
    },
    // Judges labelled files with the station's liveness models (the calibration's data).
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, values: v }) =>
      padEvalCommand(client, out, {
        labels: v.labels ?? '',
        csv: v.csv,
        bands: parseBands(v.bands) as { spoofBelow: number; clearLiveMin: number } | undefined,
      }),
  },
];

const admin: CliCommand[] = [
  {
    name: 'door',
    usage: DOOR_USAGE,
    check(rest, v) {
      if (rest[0] === 'show' && rest.length === 1) return null;
      if (rest[0] === 'set' && rest.length === 1)
        return v.file ? null : 'door set needs --file JSON';
      return 'unknown door subcommand (try: door show | door set --file JSON)';
    },
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, rest, values: v }) =>
      rest[0] === 'set' ? doorSetCommand(client, out, v.file ?? '') : doorShowCommand(client, out),
  },
  {
    name: 'gallery',
    usage: GALLERY_USAGE,
    check: (rest, v) => checkGalleryUsage(rest, v.index),
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, rest, values: v }) => galleryCommand(client, out, rest[0], v.index),
  },
  {
    name: 'model',
    usage: MODEL_USAGE,
    check: checkModelUsage,
    // A model switch is checked and made before the station opens with the new model.
    runs: 'standalone',
    roles: BY_DISPATCH,
    async run({ open, out, rest, dataDir, modelsDir, role }) {
      const use = rest[0] === 'use';
      // The switch acts before any station (hence dispatch) exists, since opening loads the
      // model the folder names; the audit channel's entry in the one role table gates it, so
      // a caller who may not record the switch cannot make it either.
      if (use) ensureChannelRole('model:record-switch', role, 'model');
      const previousSpace = use
        ? await switchEmbeddingModel(dataDir, modelsDir, rest[1] ?? '')
        : null;
      return withOpenStation(open, async (station) => {
        const client = stationClient(station, role);
        if (previousSpace !== null) await client.call('model:record-switch', { previousSpace });
        return modelCommand(client, out, rest[0]);
      });
    },
  },
  {
    name: 'operator',
    usage: OPERATOR_USAGE,
    check: checkOperatorUsage,
    roles: BY_DISPATCH,
    runs: 'station',
    run: ({ client, out, values: v }) => operatorCommand(client, out, v),
  },
  {
    name: 'site',
    usage: `${SITE_USAGE}
  audit verify|query|export ... --site [--station ID]
                                         the same on the site's log (every door)`,
    check: checkSiteUsage,
    // The membership steps are served without an open station; the rest open it.
    runs: 'standalone',
    roles: BY_DISPATCH,
    run: ({ open, dataDir, role, out, rest, values: v }) =>
      siteCommand({ open, dataDir, role }, out, rest, v),
  },
];

/** Every command, in the order the usage text lists them. */
export const COMMANDS: readonly CliCommand[] = [
  enroll,
  ...recognition,
  people,
  audit,
  calibrate,
  ...recordings,
  ...admin,
];

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
