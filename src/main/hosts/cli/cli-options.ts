import { parseArgs } from 'node:util';
import { AUDIT_OPTIONS } from './audit-commands';
import { CALIBRATE_OPTIONS } from './calibrate-usage';
import { OPERATOR_OPTIONS } from './operator-command';
import { SITE_OPTIONS } from './site-command';

/** Options every command takes. */
const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  'models-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  /** The role the CLI acts as (admin unless lowered; see cli-client.ts). */
  as: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Options of enroll, pad-eval, liveness/access, door and gallery (the others: their modules). */
const COMMAND_OPTIONS = {
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
} as const;

const CLI_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...COMMAND_OPTIONS,
  ...AUDIT_OPTIONS,
  ...CALIBRATE_OPTIONS,
  ...OPERATOR_OPTIONS,
  ...SITE_OPTIONS,
} as const;

/** Parses the command line; throws parseArgs' error for an unknown option or a bad value. */
export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: CLI_OPTIONS });
}

export type CliValues = ReturnType<typeof parseCommandLine>['values'];
