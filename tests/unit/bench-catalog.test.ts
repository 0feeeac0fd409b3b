import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BENCH_PLANS,
  benchEntries,
  benchNames,
  FAST_BENCHES,
  headerDescription,
} from '../../bench/lib/bench-catalog';

describe('bench catalog', () => {
  it('knows every entry point in bench/, each with a one-line description', () => {
    const names = benchNames();
    expect(names.length).toBeGreaterThan(20);
    expect(names).not.toContain('run-all');
    expect(Object.keys(BENCH_PLANS).sort()).toEqual(names);
    for (const entry of benchEntries()) {
      expect(entry.description, entry.name).toMatch(/^\S.{10,}[.?]$/);
      expect(entry.description, entry.name).not.toContain('\n');
    }
  });

  it('runs only known benches by default', () => {
    for (const name of FAST_BENCHES) expect(benchNames()).toContain(name);
  });

  it('refuses a bench that is not listed, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-catalog-'));
    writeFileSync(join(dir, 'new-bench.ts'), '/** A new bench. */\n');
    writeFileSync(join(dir, 'run-all.ts'), '');
    expect(benchNames(dir)).toEqual(['new-bench']);
    expect(() => benchEntries(dir)).toThrow(/bench\/new-bench\.ts is not listed/);
  });

  it('reads the first sentence of the header comment', () => {
    expect(headerDescription('/**\n * Cost of X: more.\n * Next.\n */')).toBe('Cost of X: more.');
    expect(headerDescription('/**\n * Something long enough to end (here: no).\n */')).toBe(
      'Something long enough to end (here: no).',
    );
    expect(headerDescription('/**\n * The seed bench, on real data: the rest.\n */')).toBe(
      'The seed bench, on real data.',
    );
    expect(headerDescription('import x;\n')).toBe('');
  });
});
