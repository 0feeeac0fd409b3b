import { readFile, stat } from 'node:fs/promises';
import { StationError } from '../../../shared/errors';
import { AUTH_LIMITS, OPERATOR_ROLES, type OperatorRole } from '../../../shared/operator-roles';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

export const OPERATOR_USAGE = `  operator passphrase --role admin|reviewer [--passphrase-file F | --clear]
                                         set the role's passphrase (read from stdin unless
                                         --passphrase-file; min ${AUTH_LIMITS.minPassphraseLength} chars) or remove it
                                         (--clear: the role's screens open to anyone again)`;

export const OPERATOR_OPTIONS = {
  role: { type: 'string' },
  'passphrase-file': { type: 'string' },
  clear: { type: 'boolean', default: false },
} as const;

export interface OperatorValues {
  role?: string | undefined;
  'passphrase-file'?: string | undefined;
  clear?: boolean | undefined;
}

export function checkOperatorUsage(rest: string[], v: OperatorValues): string | null {
  if (rest[0] !== 'passphrase' || rest.length !== 1)
    return 'unknown operator subcommand (try: operator passphrase --role admin|reviewer)';
  if (!isRole(v.role)) return 'operator passphrase needs --role admin or --role reviewer';
  if (v.clear && v['passphrase-file'])
    return 'operator passphrase takes --clear or --passphrase-file, not both';
  return null;
}

function isRole(value: string | undefined): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value ?? '');
}

/**
 * `station operator passphrase`: the CLI is a local admin tool (it can read the data folder
 * anyway), so it needs no session. The passphrase comes from stdin or a file, never argv,
 * which other users could read from the process list.
 */
export async function operatorCommand(
  client: CliClient,
  out: Output,
  v: OperatorValues,
  readStdin: () => Promise<string> = readAllStdin,
): Promise<number> {
  if (!isRole(v.role)) throw new StationError('BAD_REQUEST', 'Unknown role');
  const role = v.role;
  if (v.clear) {
    const cleared = await client.call('operator:passphrase', { role, passphrase: null });
    out.result(
      cleared,
      () => `${role} passphrase removed: the ${role} screens are open to anyone at the station.`,
    );
    return EXIT.ok;
  }
  const file = v['passphrase-file'];
  const raw = file ? await readSmallFile(file) : await readStdin();
  // One trailing newline is the shell's or the editor's, not part of the passphrase.
  const passphrase = raw.replace(/\r?\n$/, '');
  const set = await client.call('operator:passphrase', { role, passphrase });
  out.result(set, () => `${role} passphrase set; open ${role} sessions were ended.`);
  return EXIT.ok;
}

const MAX_PASSPHRASE_FILE_BYTES = 4096;

async function readSmallFile(file: string): Promise<string> {
  try {
    const s = await stat(file);
    if (!s.isFile() || s.size > MAX_PASSPHRASE_FILE_BYTES)
      throw new Error(`not a regular file of at most ${MAX_PASSPHRASE_FILE_BYTES} bytes`);
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new StationError(
      'BAD_REQUEST',
      `Cannot read the passphrase file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write('Passphrase (end with Enter, then Ctrl-D; it is echoed): ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_PASSPHRASE_FILE_BYTES)
      throw new StationError('BAD_REQUEST', 'The passphrase on stdin is too long.');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
