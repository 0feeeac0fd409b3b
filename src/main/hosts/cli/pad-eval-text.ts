/** Human text and per-file CSV of `station pad-eval`. */
import type {
  PadEvalOutcome,
  PadEvalSkip,
  PadEvalSummary,
  RateView,
} from '../../core/liveness/pad-eval-summary';
import type { PassiveThresholds } from '../../core/liveness/passive-assessment';

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`;
}

function rateText(r: RateView): string {
  if (r.rate === null || !r.ci95) return `n/a (0 presentations)`;
  return `${pct(r.rate)} (${r.errors}/${r.total}; 95 % CI ${pct(r.ci95[0])}-${pct(r.ci95[1])})`;
}

export function padEvalText(
  labels: string,
  bands: PassiveThresholds,
  s: PadEvalSummary,
  judged: number,
  given = false,
): string {
  const origin = given ? 'given with --bands, not stored' : bands.origin;
  const lines = [
    `${labels}: ${judged} presentation(s) judged, ${s.skipped.length} skipped`,
    `Passive bands (${origin}): spoof < ${bands.spoofBelow}, clearly live >= ${bands.clearLiveMin}`,
    '',
    'APCER (attacks decided live), per species:',
    ...s.apcer.map((a) => `  ${a.species.padEnd(28)} ${rateText(a)}`),
    `BPCER (bona fide not decided live): ${rateText(s.bpcer)}`,
    s.acer.value === null || !s.acer.ci95
      ? 'ACER: n/a (needs both attack and bona fide presentations)'
      : `ACER (worst species ${s.acer.worstSpecies ?? ''} + BPCER) / 2: ${pct(s.acer.value)} (95 % CI ${pct(s.acer.ci95[0])}-${pct(s.acer.ci95[1])})`,
    '',
    'Per source: live / attack / skipped',
    ...s.sources.map((x) => `  ${x.source}: ${x.live} / ${x.attack} / ${x.skipped}`),
  ];
  if (s.skipped.length) {
    lines.push('', 'Skipped (not counted in any rate):');
    for (const k of s.skipped) lines.push(`  line ${k.line} ${k.file}: ${k.reason} (${k.message})`);
  }
  lines.push(
    '',
    "Videos: the door's liveness window on passive evidence and motion (an active challenge cannot be replayed from a file); photos: single-frame passive verdict.",
  );
  return lines.join('\n');
}

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function padEvalCsv(
  outcomes: readonly PadEvalOutcome[],
  skipped: readonly PadEvalSkip[],
): string {
  const head = 'file,line,label,species,source,kind,decision,band,score,frames,reasons,skipped';
  const rows = outcomes.map((o) =>
    [
      o.row.file,
      o.row.line,
      o.row.label,
      o.row.species,
      o.row.source,
      o.kind,
      o.decision,
      o.band,
      o.score === null ? null : Math.round(o.score * 1e4) / 1e4,
      o.frames,
      o.reasons.join(' '),
      '',
    ]
      .map(cell)
      .join(','),
  );
  const skips = skipped.map((k) =>
    [
      k.row.file,
      k.row.line,
      k.row.label,
      k.row.species,
      k.row.source,
      '',
      '',
      '',
      null,
      null,
      '',
      `${k.reason}: ${k.message}`,
    ]
      .map(cell)
      .join(','),
  );
  return `${[head, ...rows, ...skips].join('\n')}\n`;
}
