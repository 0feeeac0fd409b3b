import type { Thresholds } from '../../../shared/domain';
import { decideFace } from '../access/door-decision-engine';
import { BEST_SCORING, identifyScore, type IdentifyScoring } from '../recognition/identify-scoring';

/**
 * Open-set 1:N figures for the configured gallery (ISO/IEC 19795-1 terms):
 * - FPIR: the share of non-mated probes (strangers) the station would grant as anyone;
 * - FNIR: the share of mated probes (enrolled people) it would not grant as themselves.
 * Each probe is reduced once to its two best-scoring gallery people and its identify score,
 * made by the door's own scoring (identify-scoring.ts) over every gallery person; every
 * threshold is then judged by decideFace, the one place the door decides (threshold and
 * margin), so these figures cannot drift from what the door does.
 */

/** One probe's search result: the best and second-best gallery person (per-person maxima). */
export interface ProbeOutcome {
  /** The enrolled person the probe shows; null = a stranger to this gallery (non-mated). */
  truePerson: string | null;
  /** `score` is the best person's raw similarity (the margin rule compares those). */
  best: { person: string; score: number } | null;
  runnerUp: number;
  /** The best person's identify score (equal to best.score under 'best' scoring). */
  identifyScore: number;
}

export interface OpenSetRates {
  threshold: number;
  /** null when there is no probe of that kind. */
  fpir: number | null;
  fnir: number | null;
}

/** Template rows with their person as a small integer (label), and each label's person id. */
export interface LabelledGallery {
  vectors: Float32Array;
  labels: Int32Array;
  personIds: readonly string[];
}

/**
 * Best score per gallery person (indexed by label) for one probe (a flat row of `probes`),
 * leaving out the gallery row `skipRow` (the probe itself when it is an enrolled template;
 * -1 = none). Typed arrays only: this runs probes x templates times.
 */
export function bestPerPerson(
  probes: Float32Array,
  dim: number,
  probeRow: number,
  gallery: LabelledGallery,
  skipRow: number,
  out = new Float64Array(gallery.personIds.length),
): Float64Array {
  out.fill(-Infinity);
  const p = probeRow * dim;
  const gv = gallery.vectors;
  const n = gallery.labels.length;
  for (let r = 0; r < n; r++) {
    if (r === skipRow) continue;
    let s = 0;
    const g = r * dim;
    for (let j = 0; j < dim; j++) s += probes[p + j]! * gv[g + j]!;
    const label = gallery.labels[r]!;
    if (out[label]! < s) out[label] = s;
  }
  return out;
}

/**
 * The probe's outcome from its per-person scores, leaving out the person with label
 * `excludeLabel` (leave-one-person-out; -1 = none).
 */
export function outcomeOf(
  best: Float64Array,
  personIds: readonly string[],
  truePerson: string | null,
  excludeLabel = -1,
  scoring: IdentifyScoring = BEST_SCORING,
): ProbeOutcome {
  let top = -1;
  let runnerUp = -1;
  for (let label = 0; label < best.length; label++) {
    const score = best[label]!;
    if (label === excludeLabel || score === -Infinity) continue;
    if (top < 0 || score > best[top]!) {
      if (top >= 0) runnerUp = Math.max(runnerUp, best[top]!);
      top = label;
    } else runnerUp = Math.max(runnerUp, score);
  }
  return {
    truePerson,
    best: top < 0 ? null : { person: personIds[top]!, score: best[top]! },
    runnerUp,
    identifyScore: top < 0 ? -1 : scoreOfTop(best, excludeLabel, scoring),
  };
}

/** The top person's identify score, its cohort taken from every other gallery person. */
function scoreOfTop(best: Float64Array, excludeLabel: number, scoring: IdentifyScoring): number {
  const kept = best.filter((s, label) => label !== excludeLabel && s !== -Infinity);
  // Only the best cohortSize + 1 matter; a full sort of a few thousand values per probe is cheap.
  kept.sort().reverse();
  return identifyScore(kept, 0, scoring);
}

function granted(o: ProbeOutcome, t: Thresholds): string | null {
  // The runner-up's identity does not matter to the decision, only its score (the margin).
  const matches = o.best
    ? [
        { person: { id: o.best.person, name: '' }, similarity: o.best.score },
        { person: { id: '', name: '' }, similarity: o.runnerUp },
      ]
    : [];
  // interEyePx is the enrolment's concern, not this search's: pass the size gate.
  const v = decideFace({ interEyePx: Infinity, matches, score: o.identifyScore }, t);
  return v.decision === 'granted' ? (v.person?.id ?? null) : null;
}

/** FPIR and FNIR at one identification threshold (margin and the rest from `current`). */
export function openSetRatesAt(
  probes: readonly ProbeOutcome[],
  threshold: number,
  current: Thresholds,
): OpenSetRates {
  const t = { ...current, identify: threshold };
  let mated = 0;
  let missed = 0;
  let strangers = 0;
  let falsePositives = 0;
  for (const o of probes) {
    const who = granted(o, t);
    if (o.truePerson === null) {
      strangers++;
      if (who !== null) falsePositives++;
    } else {
      mated++;
      if (who !== o.truePerson) missed++;
    }
  }
  return {
    threshold,
    fpir: strangers ? falsePositives / strangers : null,
    fnir: mated ? missed / mated : null,
  };
}

/** Evenly spread rows 0..n-1, at most `max` of them (a stable sample, no randomness). */
export function spreadSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}
