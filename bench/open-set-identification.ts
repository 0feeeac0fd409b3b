/**
 * Open-set 1:N evaluation on the CelebA subset, the measurement behind the default `identify`
 * threshold and margin: N identities enrolled from 3 photos each, probed with their held-out
 * photos (genuine) and with photos of identities never enrolled (strangers).
 *
 *   npx tsx bench/open-set-identification.ts [--enrol 100] [--strangers 100]
 *
 * Prints, per threshold (margin fixed) and per margin (threshold fixed): FPIR (strangers
 * granted), FNIR (genuine probes not granted as themselves) and wrong-person grants.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decideFace } from '../src/main/core/access/access-decision';
import { DEFAULT_THRESHOLDS } from '../src/main/core/settings/threshold-defaults';
import type { FaceEvidence } from '../src/main/core/access/access-decision';
import { openStation } from '../src/main/station-factory';
import { celebaOpenSetSplit } from '../tests/support/celeba-split';
import { sharedDataDir } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';

interface Probe {
  truth: string | null;
  evidence: FaceEvidence | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      enrol: { type: 'string', default: '100' },
      strangers: { type: 'string', default: '100' },
    },
  });
  const split = celebaOpenSetSplit(sharedDataDir(), Number(values.enrol), Number(values.strangers));
  const tmp = makeTempDir('station-bench-');
  const station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
  const idToPerson = new Map<string, string>();
  for (const [id, files] of split.enrolled) {
    const images = files.map((f) => ({ fileName: f, bytes: readFileSync(f) }));
    const r = await station.enroll({ name: id, consent: true, images, recordedBy: 'bench' });
    if (r.person) idToPerson.set(id, r.person.id);
  }
  const probes: Probe[] = [];
  const evidenceOf = async (file: string): Promise<FaceEvidence | null> => {
    const faces = await station.recognition.analyzeFile(readFileSync(file), file);
    const all = faces.map((f) => station.recognition.evidence(f));
    return (
      all.sort((a, b) => (b.matches[0]?.similarity ?? -1) - (a.matches[0]?.similarity ?? -1))[0] ??
      null
    );
  };
  for (const [id, file] of split.genuineProbes) {
    const personId = idToPerson.get(id);
    if (personId) probes.push({ truth: personId, evidence: await evidenceOf(file) });
  }
  for (const file of split.strangerProbes)
    probes.push({ truth: null, evidence: await evidenceOf(file) });
  station.close();
  tmp.cleanup();

  const genuine = probes.filter((p) => p.truth !== null).length;
  const strangers = probes.length - genuine;
  console.log(
    `enrolled ${idToPerson.size} identities; ${genuine} genuine probes, ${strangers} stranger probes`,
  );
  console.log(`faces not found: ${probes.filter((p) => !p.evidence).length}\n`);
  const row = (identify: number, margin: number): string => {
    const t = { ...DEFAULT_THRESHOLDS, identify, margin };
    let fp = 0;
    let fn = 0;
    let wrong = 0;
    for (const p of probes) {
      const v = p.evidence ? decideFace(p.evidence, t) : null;
      const granted = v?.decision === 'granted' ? v.person?.id : undefined;
      if (p.truth === null) fp += granted ? 1 : 0;
      else if (granted !== p.truth) {
        fn++;
        if (granted) wrong++;
      }
    }
    return `| ${identify.toFixed(2)} | ${margin.toFixed(2)} | ${pct(fp, strangers)} | ${pct(fn, genuine)} | ${wrong} |`;
  };
  console.log(
    '| identify | margin | FPIR (strangers granted) | FNIR (genuine not granted) | wrong-person grants |',
  );
  console.log('|---|---|---|---|---|');
  for (let th = 0.25; th <= 0.551; th += 0.025) console.log(row(th, DEFAULT_THRESHOLDS.margin));
  for (const m of [0, 0.02, 0.05, 0.08, 0.1]) console.log(row(DEFAULT_THRESHOLDS.identify, m));
}

function pct(n: number, d: number): string {
  return `${((100 * n) / Math.max(d, 1)).toFixed(1)}% (${n}/${d})`;
}

void main();
