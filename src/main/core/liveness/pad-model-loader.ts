/**
 * Loads the PAD weights file like every other model: read through loadVerifiedModel, so a
 * missing file stops the start with MODEL_MISSING and an altered one with MODEL_TAMPERED; a
 * file that verifies but does not parse (a catalog pinned to a broken file) is MODEL_FAILED.
 */
import { StationError } from '../../../shared/errors';
import { loadVerifiedModel, sha256Hex } from '../models/model-verifier';
import { PadModel, parsePadModelFile } from './pad-model';

export const PAD_MODEL_FILE = 'pad_model.json';

/** `pad_model@<first 12 hex of its SHA-256>`: calibrations are bound to this id. */
export function padModelId(bytes: Uint8Array): string {
  return `pad_model@${sha256Hex(bytes).slice(0, 12)}`;
}

export function padModelFromBytes(bytes: Uint8Array): PadModel {
  try {
    const file = parsePadModelFile(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return new PadModel(file, padModelId(bytes));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new StationError('MODEL_FAILED', `${PAD_MODEL_FILE} is not a usable PAD model: ${why}`, {
      cause: err,
    });
  }
}

/** Reads, verifies and parses `<modelsDir>/pad_model.json`. */
export function loadPadModel(modelsDir: string): PadModel {
  return padModelFromBytes(loadVerifiedModel(modelsDir, PAD_MODEL_FILE));
}
