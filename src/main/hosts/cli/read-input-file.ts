import { readFile, stat } from 'node:fs/promises';
import { StationError } from '../../../shared/errors';

/** Largest image file the CLI will read into memory. */
export const MAX_IMAGE_FILE_BYTES = 25 * 1024 * 1024;

/** Reads an input image file with a size check first, so a huge file is refused unread. */
export async function readInputFile(file: string): Promise<{ bytes: Buffer; fileName: string }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new StationError('UNREADABLE_IMAGE', `Cannot read ${file}: ${why}`);
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new StationError(
      'IMAGE_TOO_LARGE',
      `${file} is ${(size / 1e6).toFixed(1)} MB; the limit is ${MAX_IMAGE_FILE_BYTES / 1e6} MB.`,
    );
  }
  return { bytes: await readFile(file), fileName: file };
}

/**
 * Reads a JSON file and sends its content; the contract's schema judges it, and a refusal
 * names the file (the request's problem is the file's). `what` names it in the parse error.
 */
export async function sendJsonFile<T>(
  file: string,
  what: string,
  send: (content: unknown) => Promise<T>,
): Promise<T> {
  const { bytes } = await readInputFile(file);
  let content: unknown;
  try {
    content = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new StationError('BAD_REQUEST', `${file}: not a valid ${what}: ${why}`);
  }
  try {
    return await send(content);
  } catch (err) {
    if (err instanceof StationError && err.code === 'BAD_REQUEST')
      throw new StationError('BAD_REQUEST', `${file}: ${err.message}`);
    throw err;
  }
}
