/**
 * Evaluation protocols of the passive PAD model on the cached measurements (scripts/pad):
 * Replay-Attack's own subject-disjoint train/devel protocol, and a per-camera calibration
 * simulation on the leave-one-source-out scores.
 */
import { clopperPearson } from '../../src/main/core/calibration/binomial-interval';
import { seededRandom } from '../../scripts/pad/linear-algebra';
import type { PadCache } from '../../scripts/pad/pad-feature-cache';
import { fitHeads, type PadRecipe } from '../../scripts/pad/pad-fit';
import { modelOf, scoreIndices, type SourceResult } from '../../scripts/pad/pad-loso';
import { eerThreshold, thresholdAtBpcer } from '../../scripts/pad/pad-metrics';

export interface Rate {
  errors: number;
  total: number;
  rate: number;
  ci: [number, number];
}

export function rate(errors: number, total: number): Rate {
  return {
    errors,
    total,
    rate: total ? errors / total : Number.NaN,
    ci: clopperPearson(errors, Math.max(1, total)),
  };
}

export interface RaProtocolResult {
  fittedOn: string;
  threshold: number;
  apcer: (Rate & { species: string })[];
  apcerAll: Rate;
  bpcer: Rate;
  /** (worst species APCER + BPCER) / 2. */
  acer: number;
  /** (APCER over all attacks + BPCER) / 2, the database's usual HTER-style figure. */
  acerAll: number;
}

function clientOf(file: string): string {
  return /client(\d+)/.exec(file)?.[1] ?? file;
}

/**
 * Out-of-fold scores of the Replay-Attack train frames (5 folds, whole clients per fold, plus
 * the other sources in every fold when `withOthers`): the threshold is chosen on scores the
 * model did not fit, as it will meet devel.
 */
function trainThreshold(
  cache: PadCache,
  recipe: PadRecipe,
  train: number[],
  others: number[],
): number {
  const clients = [...new Set(train.map((i) => clientOf(cache.samples[i]!.file)))].sort();
  const folds = 5;
  const live: number[] = [];
  const attack: number[] = [];
  for (let f = 0; f < folds; f++) {
    const held = new Set(clients.filter((_, k) => k % folds === f));
    const fit = train.filter((i) => !held.has(clientOf(cache.samples[i]!.file)));
    const test = train.filter((i) => held.has(clientOf(cache.samples[i]!.file)));
    const scores = scoreIndices(cache, modelOf(fitHeads(cache, [...others, ...fit], recipe)), test);
    test.forEach((i, k) => (cache.samples[i]!.label === 'live' ? live : attack).push(scores[k]!));
  }
  return eerThreshold(live, attack);
}

/** Fit on Replay-Attack train (with or without the other sources), threshold from train, report on devel. */
export function replayAttackProtocol(
  cache: PadCache,
  recipe: PadRecipe,
  withOthers: boolean,
): RaProtocolResult {
  const all = cache.samples.map((_, i) => i);
  const ra = all.filter((i) => cache.samples[i]!.source === 'replay_attack');
  const train = ra.filter((i) => cache.samples[i]!.split === 'train');
  const devel = ra.filter((i) => cache.samples[i]!.split === 'devel');
  const others = withOthers ? all.filter((i) => cache.samples[i]!.source !== 'replay_attack') : [];
  const threshold = trainThreshold(cache, recipe, train, others);
  const scores = scoreIndices(
    cache,
    modelOf(fitHeads(cache, [...others, ...train], recipe)),
    devel,
  );
  const accepted = (k: number): boolean => scores[k]! >= threshold;
  const species = [...new Set(devel.map((i) => cache.samples[i]!.species))]
    .filter((s) => s !== 'bona_fide')
    .sort();
  const apcer = species.map((sp) => {
    const ks = devel
      .map((i, k) => (cache.samples[i]!.species === sp ? k : -1))
      .filter((k) => k >= 0);
    return { species: sp, ...rate(ks.filter(accepted).length, ks.length) };
  });
  const attackKs = devel
    .map((i, k) => (cache.samples[i]!.label === 'attack' ? k : -1))
    .filter((k) => k >= 0);
  const liveKs = devel
    .map((i, k) => (cache.samples[i]!.label === 'live' ? k : -1))
    .filter((k) => k >= 0);
  const apcerAll = rate(attackKs.filter(accepted).length, attackKs.length);
  const bpcer = rate(liveKs.filter((k) => !accepted(k)).length, liveKs.length);
  const worst = Math.max(...apcer.map((a) => a.rate));
  return {
    fittedOn: withOthers ? 'Replay-Attack train + every other source' : 'Replay-Attack train only',
    threshold,
    apcer,
    apcerAll,
    bpcer,
    acer: (worst + bpcer.rate) / 2,
    acerAll: (apcerAll.rate + bpcer.rate) / 2,
  };
}

export interface CalibrationSimRow {
  source: string;
  /** At the model's default clearLiveMin (one threshold for every camera). */
  global: { apcer: Rate; bpcer: Rate };
  /** At the source's own threshold from half its live scores (the other half measures BPCER). */
  perCamera: { threshold: number; apcer: Rate; bpcer: Rate };
}

/**
 * What per-camera calibration buys on unseen sources: each source's out-of-source scores, judged
 * at one global clearLiveMin, and at a threshold set (at `bpcer`) from a random half of that
 * source's own live scores, as a station learns from its enrolment captures.
 */
export function calibrationSimulation(
  cache: PadCache,
  loso: readonly SourceResult[],
  globalClearLiveMin: number,
  bpcer: number,
  seed: number,
): CalibrationSimRow[] {
  const rnd = seededRandom(seed);
  const rows: CalibrationSimRow[] = [];
  for (const r of loso) {
    const live = r.scores.filter((_, k) => cache.samples[r.indices[k]!]!.label === 'live');
    const attack = r.scores.filter((_, k) => cache.samples[r.indices[k]!]!.label === 'attack');
    if (live.length < 10 || attack.length < 10) continue;
    const shuffled = live
      .map((s) => ({ s, k: rnd() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.s);
    const half = shuffled.length >> 1;
    const calib = shuffled.slice(0, half);
    const check = shuffled.slice(half);
    const t = thresholdAtBpcer(calib, bpcer);
    const below = (xs: number[], x: number) => xs.filter((v) => v < x).length;
    rows.push({
      source: r.source,
      global: {
        apcer: rate(attack.length - below(attack, globalClearLiveMin), attack.length),
        bpcer: rate(below(live, globalClearLiveMin), live.length),
      },
      perCamera: {
        threshold: t,
        apcer: rate(attack.length - below(attack, t), attack.length),
        bpcer: rate(below(check, t), check.length),
      },
    });
  }
  return rows;
}
