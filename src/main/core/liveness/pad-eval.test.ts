import { describe, expect, it } from 'vitest';
import { summarizePadEval, type PadEvalOutcome } from './pad-eval-summary';
import { parsePadLabelsCsv, type PadLabelRow } from './pad-labels-csv';

describe('pad-eval labels CSV', () => {
  it('reads file,label,species in any order, ignores extra columns, groups by source', () => {
    const rows = parsePadLabelsCsv(
      'species,file,extra,label,source_repo\nbona_fide,a/live.jpg,x,live,repo1\n"print, hand",b/p.mp4,,ATTACK,\n',
    );
    expect(rows).toEqual([
      { line: 2, file: 'a/live.jpg', label: 'live', species: 'bona_fide', source: 'repo1' },
      { line: 3, file: 'b/p.mp4', label: 'attack', species: 'print, hand', source: 'b' },
    ]);
  });

  it('names the line of a malformed or empty file', () => {
    const bad = (text: string) => () => parsePadLabelsCsv(text, 'labels.csv');
    expect(bad('')).toThrow(/labels.csv line 1: the file is empty/);
    expect(bad('file,label\na.jpg,live')).toThrow(
      /line 1: header must have columns.*missing species/,
    );
    expect(bad('file,label,species\na.jpg,live,x\nb.jpg,real,x')).toThrow(
      /labels.csv line 3: label must be live or attack, got "real"/,
    );
    expect(bad('file,label,species\n,attack,print')).toThrow(/line 2: the file cell is empty/);
    expect(bad('file,label,species\na.jpg,attack,')).toThrow(
      /line 2: an attack row needs a species/,
    );
    expect(bad('file,label,species\n"a.jpg,attack,print')).toThrow(/line 2: a quoted cell/);
    expect(bad('file,label,species\n\n')).toThrow(/no labelled rows/);
  });
});

function outcome(label: 'live' | 'attack', species: string, decision: PadEvalOutcome['decision']) {
  const row: PadLabelRow = { line: 2, file: 'f', label, species, source: 's' };
  return {
    row,
    kind: 'image' as const,
    decision,
    band: 'uncertain' as const,
    score: 0.5,
    reasons: [],
    frames: 1,
  };
}

describe('pad-eval rates', () => {
  it('APCER per species, BPCER, ACER from the worst species, each with a 95 % interval', () => {
    const outcomes = [
      outcome('attack', 'print', 'spoof'),
      outcome('attack', 'print', 'live'),
      outcome('attack', 'replay', 'inconclusive'),
      outcome('live', 'bona_fide', 'live'),
      outcome('live', 'bona_fide', 'live'),
      outcome('live', 'bona_fide', 'inconclusive'),
      outcome('live', 'bona_fide', 'live'),
    ];
    const s = summarizePadEval(outcomes, []);
    expect(s.apcer.map((a) => [a.species, a.errors, a.total])).toEqual([
      ['print', 1, 2],
      ['replay', 0, 1],
    ]);
    expect(s.bpcer).toMatchObject({ errors: 1, total: 4, rate: 0.25 });
    expect(s.acer.value).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(s.acer.worstSpecies).toBe('print');
    const [lo, hi] = s.acer.ci95!;
    expect(lo).toBeLessThan(s.acer.value!);
    expect(hi).toBeGreaterThan(s.acer.value!);
    expect(s.sources).toEqual([{ source: 's', live: 4, attack: 3, skipped: 0 }]);
  });

  it('lists skipped presentations without counting them; ACER is n/a without both classes', () => {
    const row: PadLabelRow = {
      line: 4,
      file: 'x.jpg',
      label: 'attack',
      species: 'print',
      source: 's',
    };
    const s = summarizePadEval(
      [outcome('live', 'bona_fide', 'live')],
      [{ row, reason: 'unreadable', message: 'not an image' }],
    );
    expect(s.apcer).toEqual([]);
    expect(s.acer.value).toBeNull();
    expect(s.skipped).toEqual([
      { file: 'x.jpg', line: 4, reason: 'unreadable', message: 'not an image' },
    ]);
    expect(s.sources[0]).toMatchObject({ skipped: 1, attack: 0, live: 1 });
  });
});
