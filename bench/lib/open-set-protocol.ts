/**
 * The open-set CelebA protocol behind bench/open-set-scoring.ts, over cached face records
 * (face-records.ts): identities split into two identity-disjoint folds by a hash of their id;
 * within a fold every identity is enrolled from its first two photos that pass the enrolment
 * gates (main face), its other photos are mated probes, and every photo of it is also a
 * stranger probe against the fold's gallery without that identity (leave-one-identity-out).
 * Probes are judged by the station's own decideFace (face-size gate, threshold, margin).
 */
import { createHash } from 'node:crypto';
import { decideFace } from '../../src/main/core/access/door-decision-engine';
import {
  identifyScore,
  type IdentifyScoring,
} from '../../src/main/core/recognition/identify-scoring';
import { DEFAULT_THRESHOLDS } from '../../src/main/core/settings/threshold-defaults';
import type { FaceQuality } from '../../src/main/core/vision/face-quality';
import type { PhotoRecord } from './face-records';

/**
 * CelebA ids 7392 and 7393 are the same actress (checked by eye; cross-id similarity median
 * 0.70, above the genuine median 0.64). Kept apart, her photos would count as "strangers"
 * matching an enrolled person. The next closest id pairs were looked at too and are
 * different people (look-alikes stay in: they are what FPIR is about).
 */
export const SAME_PERSON: Readonly<Record<string, string>> = { '7393': '7392' };

export const ENROL_PHOTOS = 2;

export interface Template {
  person: number;
  vector: Float32Array;
  quality: FaceQuality;
}

export interface Probe {
  /** Enrolled person shown, or null for a stranger probe. */
  truth: number | null;
  /** Person left out of the gallery for this probe (its own identity, for strangers). */
  leftOut: number;
  vector: Float32Array | null;
  interEyePx: number;
  /** Photo id within its identity (attempts pair the probes of one identity). */
  identity: number;
}

export interface Fold {
  identities: string[];
  templates: Template[];
  probes: Probe[];
}

const canonical = (id: string): string => SAME_PERSON[id] ?? id;

/** Identities with at least three photos, split into folds 0 and 1 by a hash of the id. */
export function identityFolds(records: readonly PhotoRecord[]): [string[], string[]] {
  const count = new Map<string, number>();
  for (const r of records)
    count.set(canonical(r.identity), (count.get(canonical(r.identity)) ?? 0) + 1);
  const ids = [...count]
    .filter(([, n]) => n >= ENROL_PHOTOS + 1)
    .map(([id]) => id)
    .sort();
  const fold = (id: string): number => createHash('sha256').update(`fold:${id}`).digest()[0]! & 1;
  return [ids.filter((id) => fold(id) === 0), ids.filter((id) => fold(id) === 1)];
}

export function buildFold(records: readonly PhotoRecord[], identities: string[]): Fold {
  const templates: Template[] = [];
  const probes: Probe[] = [];
  identities.forEach((id, person) => {
    const mine = records.filter((r) => canonical(r.identity) === id);
    const enrolled = mine.filter((r) => r.enrol === 'enrolled').slice(0, ENROL_PHOTOS);
    for (const r of enrolled)
      templates.push({ person, vector: r.faces[r.main]!.embedding, quality: r.mainQuality! });
    for (const r of mine) {
      const face = r.main >= 0 ? r.faces[r.main]! : null;
      const base = { vector: face?.embedding ?? null, interEyePx: face?.interEyePx ?? 0 };
      if (enrolled.length > 0 && !enrolled.includes(r))
        probes.push({ ...base, truth: person, leftOut: -1, identity: person });
      probes.push({ ...base, truth: null, leftOut: person, identity: person });
    }
  });
  return { identities, templates, probes };
}

/** How one person's template similarities become one similarity. */
export type Aggregate = 'best' | 'mean' | 'quality';

/** Pose and size as a 0..1 weight: frontal, large faces count more. */
export function templateWeight(q: FaceQuality): number {
  const rad = Math.PI / 180;
  return Math.cos(q.yawDeg * rad) * Math.cos(q.pitchDeg * rad) * Math.min(1, q.interEyePx / 64);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** One similarity per fold person (-Infinity for the left-out person / no templates). */
export function personSimilarities(
  fold: Fold,
  probe: Float32Array,
  leftOut: number,
  how: Aggregate,
): Float64Array {
  const n = fold.identities.length;
  const best = new Float64Array(n).fill(-Infinity);
  const sum = new Float64Array(n);
  const weight = new Float64Array(n);
  for (const t of fold.templates) {
    if (t.person === leftOut) continue;
    const s = dot(probe, t.vector);
    const w = how === 'quality' ? templateWeight(t.quality) : 1;
    best[t.person] = Math.max(best[t.person]!, s);
    sum[t.person]! += w * s;
    weight[t.person]! += w;
  }
  if (how === 'best') return best;
  return best.map((b, p) => (b === -Infinity ? b : sum[p]! / weight[p]!));
}

/**
 * Person-side cohort (Z-norm style, measured, not adopted): per person, the mean of its
 * `m` highest similarities to the fold's other people's templates.
 */
export function personCohortMeans(fold: Fold, how: Aggregate, m: number): Float64Array {
  const n = fold.identities.length;
  const columns: number[][] = Array.from({ length: n }, () => []);
  for (const t of fold.templates) {
    personSimilarities(fold, t.vector, t.person, how).forEach((s, p) => {
      if (s !== -Infinity) columns[p]!.push(s);
    });
  }
  return Float64Array.from(columns, (c) => {
    const top = c.sort((a, b) => b - a).slice(0, m);
    return top.length ? top.reduce((a, b) => a + b, 0) / top.length : 0;
  });
}

export interface Outcome {
  truth: number | null;
  identity: number;
  /** Granted person at `threshold`, or -1. */
  grantedAt: (threshold: number) => number;
  /** Best person and its identify score (for attempts over several probes). */
  best: number;
  score: number;
  /** Passes every rule but the threshold (face size, margin): fusion over probes needs it. */
  eligible: boolean;
}

export interface Choice {
  name: string;
  aggregate: Aggregate;
  /** Probe-side cohort (identify-scoring.ts), the station's. */
  scoring: IdentifyScoring;
  /** Person-side cohort size (0 = none). */
  personCohort: number;
}

/** Every probe of a fold judged under one scoring choice. */
export function judgeFold(fold: Fold, choice: Choice): Outcome[] {
  const personMeans = choice.personCohort
    ? personCohortMeans(fold, choice.aggregate, choice.personCohort)
    : null;
  const meanOfMeans = personMeans ? personMeans.reduce((a, b) => a + b, 0) / personMeans.length : 0;
  return fold.probes.map((p) => {
    if (!p.vector) {
      const none = { truth: p.truth, identity: p.identity, grantedAt: () => -1 };
      return { ...none, best: -1, score: -Infinity, eligible: false };
    }
    let sims = personSimilarities(fold, p.vector, p.leftOut, choice.aggregate);
    if (personMeans) sims = sims.map((s, q) => s - personMeans[q]! + meanOfMeans);
    const order = [...sims.keys()]
      .filter((q) => sims[q] !== -Infinity)
      .sort((a, b) => sims[b]! - sims[a]!);
    const sorted = order.map((q) => sims[q]!);
    const score = identifyScore(sorted, 0, choice.scoring);
    const matches = order
      .slice(0, 2)
      .map((q) => ({ person: { id: String(q), name: '' }, similarity: sims[q]! }));
    const evidence = { interEyePx: p.interEyePx, matches, score };
    const grantedAt = (identify: number): number => {
      const v = decideFace(evidence, { ...DEFAULT_THRESHOLDS, identify });
      return v.decision === 'granted' ? Number(v.person!.id) : -1;
    };
    const eligible = grantedAt(-Infinity) >= 0;
    return {
      truth: p.truth,
      identity: p.identity,
      grantedAt,
      best: order[0] ?? -1,
      score,
      eligible,
    };
  });
}

export interface Rates {
  threshold: number;
  fpir: number;
  fnir: number;
  strangers: number;
  mated: number;
  falseGrants: number;
  misses: number;
}

export function ratesAt(outcomes: readonly Outcome[], threshold: number): Rates {
  let strangers = 0;
  let falseGrants = 0;
  let mated = 0;
  let misses = 0;
  for (const o of outcomes) {
    const who = o.grantedAt(threshold);
    if (o.truth === null) {
      strangers++;
      if (who >= 0) falseGrants++;
    } else {
      mated++;
      if (who !== o.truth) misses++;
    }
  }
  return {
    threshold,
    fpir: falseGrants / strangers,
    fnir: misses / mated,
    strangers,
    mated,
    falseGrants,
    misses,
  };
}

/** The lowest threshold on a 0.005 grid whose FPIR (from `rates`) is <= target. */
export function thresholdForFpir(rates: (t: number) => Rates, target: number): number {
  let t = -0.5;
  while (t < 1.5 && rates(t).fpir > target) t = Math.round((t + 0.005) * 1000) / 1000;
  return t;
}

/** How an attempt of several probes of one face is decided. */
export type AttemptRule = 'single' | 'vote' | 'fusion';

/**
 * Probes grouped into attempts of `size`: the mated probes of one person, or the stranger
 * probes of one identity, taken in order (a remainder smaller than `size` is dropped).
 */
export function attempts(outcomes: readonly Outcome[], size: number): Outcome[][] {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const key = `${o.truth === null ? 's' : 'm'}${o.identity}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const out: Outcome[][] = [];
  for (const g of groups.values())
    for (let i = 0; i + size <= g.length; i += size) out.push(g.slice(i, i + size));
  return out;
}

/**
 * The person an attempt grants, or -1. vote: every probe granted as the same person (the
 * door's agreeFrames rule); fusion: every probe eligible for the same best person and their
 * mean identify score clears the threshold.
 */
export function attemptGrant(a: readonly Outcome[], rule: AttemptRule, t: number): number {
  if (rule === 'single') return a[0]!.grantedAt(t);
  if (rule === 'vote') {
    const who = a.map((o) => o.grantedAt(t));
    return who.every((w) => w >= 0 && w === who[0]) ? who[0]! : -1;
  }
  const same = a.every((o) => o.eligible && o.best === a[0]!.best);
  const mean = a.reduce((s, o) => s + o.score, 0) / a.length;
  return same && mean >= t ? a[0]!.best : -1;
}

export function attemptRatesAt(groups: readonly Outcome[][], rule: AttemptRule, t: number): Rates {
  let strangers = 0;
  let falseGrants = 0;
  let mated = 0;
  let misses = 0;
  for (const a of groups) {
    const who = attemptGrant(a, rule, t);
    const truth = a[0]!.truth;
    if (truth === null) {
      strangers++;
      if (who >= 0) falseGrants++;
    } else {
      mated++;
      if (who !== truth) misses++;
    }
  }
  return {
    threshold: t,
    fpir: falseGrants / strangers,
    fnir: misses / mated,
    strangers,
    mated,
    falseGrants,
    misses,
  };
}
