import { OnnxEmbedder } from '../../adapters/onnx-embedder';
import { StationError } from '../../../shared/errors';
import {
  builtinSpec,
  chosenEmbeddingModel,
  readManifest,
  recordEmbeddingModelChoice,
} from '../../core/models/embedding-model-source';
import type { EmbeddingModelView } from '../../core/models/embedding-model-view';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

export const MODEL_USAGE = `  model show                             the embedding model, its space, people to re-enrol
  model use MANIFEST.json | builtin      switch the embedding model (checked first, audited);
                                         templates of the old model are kept but never
                                         compared: their people must be re-enrolled`;

/** Usage check before anything opens: null when fine, else the message (exit 2). */
export function checkModelUsage(rest: string[]): string | null {
  const [sub, arg, ...extra] = rest;
  if (sub === 'show') return arg === undefined ? null : 'model show takes no argument';
  if (sub === 'use')
    return arg && extra.length === 0 ? null : 'model use takes one MANIFEST.json (or builtin)';
  return 'unknown model subcommand (try: model show | model use MANIFEST.json)';
}

/**
 * `station model use`: the model is loaded and checked against its manifest (hash, shapes, a
 * trial embedding) BEFORE the folder's choice changes, so a bad manifest never leaves a data
 * folder that cannot start. Returns the previous space for the audit row.
 */
export async function switchEmbeddingModel(
  dataDir: string,
  modelsDir: string,
  target: string,
): Promise<string> {
  // A folder whose recorded manifest is gone or broken cannot start: it must still be able
  // to switch (back to the built-in model, or to a repaired manifest).
  let previous: string;
  try {
    previous = chosenEmbeddingModel(dataDir).embeddingSpace;
  } catch (err) {
    previous = `unreadable choice (${err instanceof Error ? err.message : String(err)})`.slice(
      0,
      200,
    );
  }
  const spec = target === 'builtin' ? builtinSpec() : readManifest(target);
  const embedder = await OnnxEmbedder.create(modelsDir, spec);
  await embedder.close();
  recordEmbeddingModelChoice(dataDir, target === 'builtin' ? null : target);
  return previous;
}

export function describeModel(v: EmbeddingModelView): string {
  const lines = [
    `model: ${v.name} (${v.source}), ${v.dim}-d, SHA-256 ${v.sha256}`,
    `licence: ${v.licence}`,
    `embedding space: ${v.embeddingSpace}; ${v.templates} template(s) searchable`,
  ];
  for (const o of v.otherSpaces)
    lines.push(`not searchable: ${o.templates} template(s) of space ${o.embeddingSpace}`);
  if (v.source !== 'built-in') {
    lines.push(
      'thresholds: the defaults were measured on the built-in model; calibrate this one on ' +
        'your people and adopt its thresholds (station calibrate --enrolled --adopt-identify T)',
    );
  }
  if (v.reEnrol.length > 0) {
    lines.push(
      `re-enrol (no template of this model; station enroll --add-to NAME --consent PHOTOS): ` +
        v.reEnrol.map((p) => p.name).join(', '),
    );
  }
  return lines.join('\n');
}

export async function modelCommand(
  client: CliClient,
  out: Output,
  sub: string | undefined,
): Promise<number> {
  if (sub !== 'show' && sub !== 'use')
    throw new StationError('BAD_REQUEST', `model: expected show or use, got ${String(sub)}`);
  const view = await client.call('model:show', {});
  out.result(view, () => describeModel(view));
  return EXIT.ok;
}
