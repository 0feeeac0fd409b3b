import type { OpenSetView } from '../../../shared/calibration-contract';
import { describeScoring, type IdentifyScoring } from '../recognition/identify-scoring';
import type { LabelledUpload } from './calibration-uploads';
import { yieldToEventLoop } from './embedding-pairs';
import {
  bestPerPerson,
  outcomeOf,
  spreadSample,
  type LabelledGallery,
  type ProbeOutcome,
} from './open-set-identification';

/**
 * The probes behind the open-set figures. Each probe is searched against the whole gallery
 * once (per-person maxima); a cap on probes keeps a 10k-template gallery to a few seconds of
 * dot products while still giving hundreds of searches.
 */
export const MAX_OPEN_SET_PROBES = 600;
/** Probes searched before the event loop gets a turn (10k templates: about 0.1 s of work). */
const PROBES_PER_SLICE = 16;

export interface GalleryRows extends LabelledGallery {
  dim: number;
  identities: number;
}

export interface ProbeSet {
  probes: ProbeOutcome[];
  view: OpenSetView | null;
  unavailable: string | null;
}

/**
 * Leave-one-person-out over the enrolled people: every sampled template is a probe. As a
 * stranger (its own person removed from the gallery) it gives FPIR; as itself (only its own
 * template removed, when the person has another one) it gives FNIR.
 */
export async function enrolledProbes(
  gallery: GalleryRows,
  scoring: IdentifyScoring,
): Promise<ProbeSet> {
  if (gallery.identities < 2) {
    return { probes: [], view: null, unavailable: 'Needs at least two enrolled people.' };
  }
  const perLabel = new Int32Array(gallery.personIds.length);
  for (const l of gallery.labels) perLabel[l]!++;
  const probes: ProbeOutcome[] = [];
  const best = new Float64Array(gallery.personIds.length);
  let searched = 0;
  let mated = 0;
  for (const row of spreadSample(gallery.labels.length, MAX_OPEN_SET_PROBES)) {
    const label = gallery.labels[row]!;
    const person = gallery.personIds[label]!;
    if (++searched % PROBES_PER_SLICE === 0) await yieldToEventLoop();
    bestPerPerson(gallery.vectors, gallery.dim, row, gallery, row, best);
    probes.push(outcomeOf(best, gallery.personIds, null, label, scoring));
    if (perLabel[label]! >= 2) {
      probes.push(outcomeOf(best, gallery.personIds, person, -1, scoring));
      mated++;
    }
  }
  return {
    probes,
    unavailable: null,
    view: {
      method:
        `Leave-one-person-out over ${gallery.identities} enrolled people: each of ` +
        `${probes.length - mated} templates searched as a stranger (its own person removed) ` +
        `and, where the person has another template, as itself; scored as the door scores ` +
        `(${describeScoring(scoring)}).`,
      matedProbes: mated,
      nonMatedProbes: probes.length - mated,
      caveat:
        'Probes are enrolment photos, which pass the quality gates; door frames are harder, ' +
        'so the real FNIR will be higher. FPIR here is per single search; the door decides ' +
        'over several frames of one face.',
    },
  };
}

/**
 * Uploaded photos searched against the enrolled gallery. A sub-folder named exactly like one
 * enrolled person (case-insensitive) is that person (mated: FNIR); any other is a stranger
 * to this gallery (non-mated: FPIR).
 */
export async function uploadProbes(
  upload: LabelledUpload,
  gallery: GalleryRows,
  people: readonly { id: string; name: string }[],
  scoring: IdentifyScoring,
): Promise<ProbeSet> {
  if (gallery.labels.length === 0) {
    return { probes: [], view: null, unavailable: 'Nobody is enrolled: there is no gallery.' };
  }
  const byName = new Map<string, string | null>();
  for (const p of people) {
    const key = p.name.trim().toLowerCase();
    // Two enrolled people of one name: the folder cannot say which, so it counts as neither.
    byName.set(key, byName.has(key) ? null : p.id);
  }
  const probeVectors = new Float32Array(upload.vectors.length * gallery.dim);
  upload.vectors.forEach((v, i) => probeVectors.set(v, i * gallery.dim));
  const probes: ProbeOutcome[] = [];
  const best = new Float64Array(gallery.personIds.length);
  let searched = 0;
  for (const row of spreadSample(upload.vectors.length, MAX_OPEN_SET_PROBES)) {
    const identity = upload.identities[upload.labels[row]!]!;
    const truePerson = byName.get(identity.trim().toLowerCase()) ?? null;
    if (++searched % PROBES_PER_SLICE === 0) await yieldToEventLoop();
    bestPerPerson(probeVectors, gallery.dim, row, gallery, -1, best);
    probes.push(outcomeOf(best, gallery.personIds, truePerson, -1, scoring));
  }
  const mated = probes.filter((p) => p.truePerson !== null).length;
  return {
    probes,
    unavailable: null,
    view: {
      method:
        `${probes.length} uploaded photos searched against the ${gallery.identities} enrolled ` +
        `people; folders named like an enrolled person are mated probes, the others strangers; ` +
        `scored as the door scores (${describeScoring(scoring)}).`,
      matedProbes: mated,
      nonMatedProbes: probes.length - mated,
      caveat:
        mated === 0
          ? 'No folder is named like an enrolled person, so there is no FNIR from this upload.'
          : 'FPIR here is per single search; the door decides over several frames of one face.',
    },
  };
}
