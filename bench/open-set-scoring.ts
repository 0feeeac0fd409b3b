/**
 * Open-set identification on CelebA with two enrolment photos per person: which way of
 * turning a 1:N search into the number the identify threshold judges keeps strangers out
 * while admitting the most enrolled people (issue 17, item 3).
 *
 *   npx tsx bench/open-set-scoring.ts [--fpir 0.01]
 *
 * Protocol (bench/lib/open-set-protocol.ts): two identity-disjoint folds; for each scoring
 * choice the threshold is fitted on one fold (lowest threshold with FPIR <= --fpir) and the
 * FPIR/FNIR at that threshold are reported on the other fold, both ways round. The cohort
 * reference (identify-scoring.ts) is fitted on the fit fold too. Probes are single photos
 * (FNIR per probe); the last table groups a person's probes into attempts of two, standing
 * in for door frames. The first run analyses the 1,170 photos (~1.5 min; cached outside the
 * repository, see bench/lib/face-records.ts).
 */
import { parseArgs } from 'node:util';
import { identifyScore, type IdentifyScoring } from '../src/main/core/recognition/identify-scoring';
import {
  DEFAULT_IDENTIFY_SCORING,
  DEFAULT_MODEL_ID,
  DEFAULT_THRESHOLDS,
} from '../src/main/core/settings/threshold-defaults';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { celebaPhotos, faceRecords } from './lib/face-records';
import {
  attemptRatesAt,
  attempts,
  buildFold,
  identityFolds,
  judgeFold,
  personSimilarities,
  ratesAt,
  thresholdForFpir,
  type AttemptRule,
  type Choice,
  type Fold,
  type Rates,
} from './lib/open-set-protocol';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

const COHORT = 10;

/** Mean over a fold's probes of the cohort part of the identify score: the reference. */
function fitReference(fold: Fold): number {
  let sum = 0;
  let n = 0;
  for (const p of fold.probes) {
    if (!p.vector) continue;
    const sims = [...personSimilarities(fold, p.vector, p.leftOut, 'best')]
      .filter((s) => s !== -Infinity)
      .sort((a, b) => b - a);
    // identifyScore with reference 0 is best - cohortMean; best - that = cohortMean.
    sum += sims[0]! - identifyScore(sims, 0, { kind: 'cohort', cohortSize: COHORT, reference: 0 });
    n++;
  }
  return Math.round((100 * sum) / n) / 100;
}

function choices(reference: number): Choice[] {
  const cohort: IdentifyScoring = { kind: 'cohort', cohortSize: COHORT, reference };
  const best: IdentifyScoring = { kind: 'best' };
  return [
    { name: 'best template (before)', aggregate: 'best', scoring: best, personCohort: 0 },
    { name: 'mean of both templates', aggregate: 'mean', scoring: best, personCohort: 0 },
    { name: 'quality-weighted mean', aggregate: 'quality', scoring: best, personCohort: 0 },
    {
      name: `best, probe cohort (top ${COHORT})`,
      aggregate: 'best',
      scoring: cohort,
      personCohort: 0,
    },
    {
      name: `best, person cohort (top ${COHORT})`,
      aggregate: 'best',
      scoring: best,
      personCohort: COHORT,
    },
    { name: 'best, both cohorts', aggregate: 'best', scoring: cohort, personCohort: COHORT },
    { name: 'mean, probe cohort', aggregate: 'mean', scoring: cohort, personCohort: 0 },
  ];
}

const pct = (r: Rates, which: 'fpir' | 'fnir'): string =>
  which === 'fpir'
    ? `${(100 * r.fpir).toFixed(1)} % (${r.falseGrants}/${r.strangers})`
    : `${(100 * r.fnir).toFixed(1)} % (${r.misses}/${r.mated})`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { fpir: { type: 'string', default: '0.01' } } });
  const target = Number(values.fpir);
  const records = await faceRecords(
    'celeba',
    celebaPhotos(),
    DEFAULT_MODEL_ID,
    () => loadFacePipeline(defaultModelsDir()),
    (l) => console.error(l),
  );
  const folds = identityFolds(records).map((ids) => buildFold(records, ids));
  const refs = folds.map(fitReference);
  folds.forEach((f, i) => {
    const mated = f.probes.filter((p) => p.truth !== null).length;
    console.log(
      `fold ${'AB'[i]}: ${f.identities.length} identities, ${f.templates.length} templates, ` +
        `${mated} mated probes, ${f.probes.length - mated} stranger probes; cohort reference ${refs[i]}`,
    );
  });
  console.log(
    `\nThreshold fitted for FPIR <= ${100 * target} % on one fold, reported on the other.\n`,
  );
  console.log('| scoring | fit -> report | threshold | FPIR | FNIR |');
  console.log('|---|---|---:|---:|---:|');
  for (const [fit, report] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const list = choices(refs[fit]!);
    const reportChoices = choices(refs[fit]!); // the fit fold's reference, used on the report fold
    list.forEach((choice, i) => {
      const fitOutcomes = judgeFold(folds[fit]!, choice);
      const t = thresholdForFpir((x) => ratesAt(fitOutcomes, x), target);
      const r = ratesAt(judgeFold(folds[report]!, reportChoices[i]!), t);
      console.log(
        `| ${choice.name} | ${'AB'[fit]} -> ${'AB'[report]} | ${t.toFixed(3)} | ${pct(r, 'fpir')} | ${pct(r, 'fnir')} |`,
      );
    });
  }

  const station: Choice = {
    name: 'station',
    aggregate: 'best',
    scoring: DEFAULT_IDENTIFY_SCORING,
    personCohort: 0,
  };
  console.log(
    `\nStation defaults (identify ${DEFAULT_THRESHOLDS.identify}, margin ${DEFAULT_THRESHOLDS.margin}, ${JSON.stringify(DEFAULT_IDENTIFY_SCORING)}):\n`,
  );
  console.log('| fold | FPIR | FNIR |');
  console.log('|---|---:|---:|');
  folds.forEach((f, i) => {
    const r = ratesAt(judgeFold(f, station), DEFAULT_THRESHOLDS.identify);
    console.log(`| ${'AB'[i]} | ${pct(r, 'fpir')} | ${pct(r, 'fnir')} |`);
  });

  console.log(
    `\nAttempts of two probes of one face (station scoring; threshold fitted for FPIR <= ${100 * target} % per attempt on the fit fold):\n`,
  );
  console.log('| rule | fit -> report | threshold | FPIR per attempt | FNIR per attempt |');
  console.log('|---|---|---:|---:|---:|');
  const grouped = folds.map((f) => attempts(judgeFold(f, station), 2));
  for (const rule of ['single', 'vote', 'fusion'] as AttemptRule[]) {
    for (const [fit, report] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const t = thresholdForFpir((x) => attemptRatesAt(grouped[fit]!, rule, x), target);
      const r = attemptRatesAt(grouped[report]!, rule, t);
      console.log(
        `| ${rule} | ${'AB'[fit]} -> ${'AB'[report]} | ${t.toFixed(3)} | ${pct(r, 'fpir')} | ${pct(r, 'fnir')} |`,
      );
    }
  }
  process.exit(0);
}

void main();
