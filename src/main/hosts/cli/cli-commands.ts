import type { EnrollFileResult, FaceDecision } from '../../../shared/domain';
import { StationError, toErrorPayload, type ErrorPayload } from '../../../shared/errors';
import { escapeControlCharacters } from '../../../shared/plain-text';
import { LIMITS } from '../../../shared/limits';
import type { CliClient } from './cli-client';
import { EXIT, fmtSim, type Output } from './cli-output';
import { readInputFile } from './read-input-file';

export interface EnrollOptions {
  name: string;
  allowDuplicate: boolean;
  /** Re-enrolment: the enrolled person (exact id, else unique name) to add the photos to. */
  addTo?: string | undefined;
}

/** `station enroll --name NAME | --add-to NAME-or-ID --consent [--allow-duplicate] FILE...` */
export async function enrollCommand(
  client: CliClient,
  out: Output,
  opts: EnrollOptions,
  files: string[],
): Promise<number> {
  const existing =
    opts.addTo === undefined ? undefined : await onePerson(client, opts.addTo.trim());
  const images: { fileName: string; base64: string }[] = [];
  const unreadable: EnrollFileResult[] = [];
  for (const file of files) {
    try {
      images.push(enrolmentImage(toWire(await readInputFile(file))));
    } catch (err) {
      const p = toErrorPayload(err);
      unreadable.push({
        file,
        status: p.code === 'IMAGE_TOO_LARGE' ? 'too_large' : 'unreadable',
        message: p.message,
      });
    }
  }
  const result =
    images.length > 0
      ? await client.call('enroll:create', {
          // Re-enrolment keeps the person's name; the contract wants one either way.
          name: existing?.name ?? opts.name,
          consent: true,
          images,
          ...(existing ? { personId: existing.id } : {}),
          allowDuplicate: opts.allowDuplicate,
        })
      : { person: null, files: [] };
  const order = new Map(files.map((f, i) => [f, i]));
  const all = [...result.files, ...unreadable].sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0),
  );
  const value = { person: result.person, files: all };
  out.result(value, () =>
    [
      result.person
        ? `Enrolled ${result.person.name} (${result.person.id})`
        : all.some((f) => f.status === 'duplicate_person')
          ? 'Nothing enrolled: a face matches someone already enrolled (see below). The same ' +
            'person: station enroll --add-to ID --consent FILE...; someone else: run again ' +
            'with --allow-duplicate.'
          : 'Nothing enrolled: no usable face in the given files.',
      ...all.map((f) => `  ${f.status.padEnd(16)} ${f.file}${f.message ? `  (${f.message})` : ''}`),
    ].join('\n'),
  );
  return result.person ? EXIT.ok : EXIT.failed;
}

/** A file the CLI read, as the contract carries images (base64). */
export function toWire(file: { bytes: Buffer; fileName: string }): {
  fileName: string;
  base64: string;
} {
  return { fileName: file.fileName, base64: file.bytes.toString('base64') };
}

interface IdentifyFileResult {
  file: string;
  faces: FaceDecision[];
  error?: ErrorPayload;
}

/** `station identify FILE...`: 1:N for every face of every file. */
export async function identifyCommand(
  client: CliClient,
  out: Output,
  files: string[],
): Promise<number> {
  const results: IdentifyFileResult[] = [];
  for (const file of files) {
    try {
      const image = toWire(await readInputFile(file));
      results.push({ file, faces: (await client.call('recognition:identify', { image })).faces });
    } catch (err) {
      if (
        err instanceof StationError &&
        (err.code === 'UNREADABLE_IMAGE' || err.code === 'IMAGE_TOO_LARGE')
      ) {
        results.push({ file, faces: [], error: toErrorPayload(err) });
      } else throw err;
    }
  }
  // Errors go to stderr; stdout carries the results (with --json, the per-file error too).
  for (const r of results) if (r.error) out.problem(`${r.file}: ${r.error.message}`);
  out.result({ results }, () =>
    results
      .filter((r) => !r.error)
      .map(humanIdentify)
      .join('\n'),
  );
  return results.some((r) => r.error) ? EXIT.failed : EXIT.ok;
}

function humanIdentify(r: IdentifyFileResult): string {
  if (r.faces.length === 0) return `${r.file}: no face`;
  const lines = r.faces.map((f, i) => `  face ${i + 1} [${f.box.join(',')}]: ${matchWords(f)}`);
  return [`${r.file}: ${r.faces.length} face(s)`, ...lines].join('\n');
}

/**
 * A photo is matched against the gallery, not let through a door (no liveness, no schedule):
 * "match", never "access granted".
 */
function matchWords(f: FaceDecision): string {
  if (f.decision === 'granted' && f.person)
    return `match: ${f.person.name} (similarity ${fmtSim(f.similarity)})`;
  if (f.decision === 'face_too_small') return 'face too small to identify';
  return f.similarity > -1
    ? `no match (closest similarity ${fmtSim(f.similarity)}, below the threshold)`
    : 'no match (nobody is enrolled)';
}

/** `station verify A B`: 1:1 on the largest face of each image. */
export async function verifyCommand(
  client: CliClient,
  out: Output,
  a: string,
  b: string,
): Promise<number> {
  const result = await client.call('recognition:verify', {
    a: toWire(await readInputFile(a)),
    b: toWire(await readInputFile(b)),
  });
  out.result(
    result,
    () =>
      `${result.same ? 'SAME person' : 'DIFFERENT people'}: similarity ${fmtSim(result.similarity)} (threshold ${fmtSim(result.threshold)})`,
  );
  return EXIT.ok;
}

/** `station people list` */
export async function peopleListCommand(client: CliClient, out: Output): Promise<number> {
  const people = (await client.call('people:list', {})).people.map((p) => ({
    id: p.id,
    name: p.name,
    templates: p.templates,
    ...(p.reEnrol ? { reEnrol: true } : {}),
  }));
  // Names are shown with control characters made visible: a stored ESC or CR must not forge lines.
  const line = (p: (typeof people)[number]): string =>
    `${escapeControlCharacters(p.id)}  ${escapeControlCharacters(p.name)}  (${p.templates} templates)` +
    (p.reEnrol ? '  RE-ENROL: no template of the current embedding model' : '');
  out.result({ people }, () =>
    people.length === 0 ? 'No one is enrolled.' : people.map(line).join('\n'),
  );
  return EXIT.ok;
}

/** Exact id, else a unique case-insensitive name: adding photos to the wrong person is worse than asking. */
async function onePerson(
  client: CliClient,
  nameOrId: string,
): Promise<{ id: string; name: string }> {
  const { people } = await client.call('people:find', { nameOrId });
  if (people.length === 0) {
    throw new StationError('PERSON_NOT_FOUND', `No enrolled person matches "${nameOrId}"`);
  }
  if (people.length > 1) {
    throw new StationError(
      'BAD_REQUEST',
      `${people.length} people are called "${nameOrId}"; use the id (station people list).`,
    );
  }
  return people[0]!;
}

/** An enrolment photo within the contract's per-image limit (the page's limit too). */
function enrolmentImage(image: { fileName: string; base64: string }) {
  if (image.base64.length > LIMITS.maxImageBase64)
    throw new StationError(
      'IMAGE_TOO_LARGE',
      `${image.fileName} is over ${Math.floor((LIMITS.maxImageBase64 * 3) / 4 / 1e6)} MB, ` +
        'the limit for an enrolment photo.',
    );
  return image;
}
