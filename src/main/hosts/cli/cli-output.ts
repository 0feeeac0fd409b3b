import { StationError, toErrorPayload } from '../../../shared/errors';
import { escapeControlCharacters } from '../../../shared/plain-text';

/** Exit codes; `refused` = the role the CLI acts as (--as, STATION_ROLE) may not do this. */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

export interface Output {
  json: boolean;
  /** Prints the command's result: one JSON document with --json, else the human text. */
  result(value: unknown, human: () => string): void;
  /** One line on stderr about part of a command that failed (a file it could not read). */
  problem(message: string): void;
  error(err: unknown): number;
}

export function createOutput(json: boolean, out = process.stdout, err = process.stderr): Output {
  return {
    json,
    result(value, human) {
      if (json) out.write(`${JSON.stringify(value, null, 2)}\n`);
      else {
        const text = human();
        if (text !== '') out.write(`${escapeLines(text)}\n`);
      }
    },
    problem(message) {
      err.write(`station: ${escapeControlCharacters(message)}\n`);
    },
    error(e) {
      const payload = toErrorPayload(e);
      err.write(
        `station: ${escapeControlCharacters(payload.message)}${payload.code === 'INTERNAL' ? '' : ` [${payload.code}]`}\n`,
      );
      if (json) out.write(`${JSON.stringify({ error: payload }, null, 2)}\n`);
      if (!(e instanceof StationError)) return EXIT.failed;
      return e.code === 'BAD_REQUEST'
        ? EXIT.usage
        : e.code === 'UNAUTHORIZED'
          ? EXIT.refused
          : EXIT.failed;
    },
  };
}

/**
 * Makes control characters visible in human output, so stored or device-supplied text cannot move
 * the cursor or forge lines. Fields that may hold a line break are escaped by the command itself.
 */
function escapeLines(text: string): string {
  return text.split('\n').map(escapeControlCharacters).join('\n');
}

export function fmtSim(x: number): string {
  return x.toFixed(4);
}
