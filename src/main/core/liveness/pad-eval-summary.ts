/**
 * ISO/IEC 30107-3 style error rates of a PAD evaluation (`station pad-eval`), one outcome per
 * labelled presentation: APCER per attack species (decided live), BPCER (bona fide NOT decided
 * live: spoof or never conclusive, the door stays shut either way) and ACER ((worst APCER +
 * BPCER) / 2). Each has a 95 % Clopper-Pearson interval; ACER's averages the two bounds, wider
 * than exact, the safe side. Presentations that could not be judged are listed and left out.
 */
import { clopperPearson } from '../calibration/binomial-interval';
import type {
  PadEvalOutcome,
  PadEvalSkip,
  PadEvalSummary,
  RateView,
} from '../../../shared/pad-eval-types';

export type { PadEvalOutcome, PadEvalSkip, PadEvalSummary, RateView };

function rate(errors: number, total: number): RateView {
  if (total === 0) return { errors, total, rate: null, ci95: null };
  return { errors, total, rate: errors / total, ci95: clopperPearson(errors, total) };
}

function sourceCounts(outcomes: readonly PadEvalOutcome[], skipped: readonly PadEvalSkip[]) {
  const by = new Map<string, { source: string; live: number; attack: number; skipped: number }>();
  const entry = (source: string) => {
    let e = by.get(source);
    if (!e) by.set(source, (e = { source, live: 0, attack: 0, skipped: 0 }));
    return e;
  };
  for (const o of outcomes) entry(o.row.source)[o.row.label]++;
  for (const s of skipped) entry(s.row.source).skipped++;
  return [...by.values()].sort((a, b) => a.source.localeCompare(b.source));
}

export function summarizePadEval(
  outcomes: readonly PadEvalOutcome[],
  skipped: readonly PadEvalSkip[],
): PadEvalSummary {
  const attacks = outcomes.filter((o) => o.row.label === 'attack');
  const live = outcomes.filter((o) => o.row.label === 'live');
  const species = [...new Set(attacks.map((o) => o.row.species))].sort();
  const apcer = species.map((sp) => {
    const of = attacks.filter((o) => o.row.species === sp);
    return { species: sp, ...rate(of.filter((o) => o.decision === 'live').length, of.length) };
  });
  const bpcer = rate(live.filter((o) => o.decision !== 'live').length, live.length);
  const worst = apcer.reduce<(typeof apcer)[number] | null>(
    (w, a) => (w === null || (a.rate ?? 0) > (w.rate ?? 0) ? a : w),
    null,
  );
  const acer =
    worst?.rate != null && bpcer.rate !== null && worst.ci95 && bpcer.ci95
      ? {
          value: (worst.rate + bpcer.rate) / 2,
          ci95: [(worst.ci95[0] + bpcer.ci95[0]) / 2, (worst.ci95[1] + bpcer.ci95[1]) / 2] as [
            number,
            number,
          ],
          worstSpecies: worst.species,
        }
      : { value: null, ci95: null, worstSpecies: null };
  return {
    apcer,
    bpcer,
    acer,
    sources: sourceCounts(outcomes, skipped),
    skipped: skipped.map((s) => ({
      file: s.row.file,
      line: s.row.line,
      reason: s.reason,
      message: s.message,
    })),
  };
}
