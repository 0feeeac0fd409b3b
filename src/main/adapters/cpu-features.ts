import { readFileSync } from 'node:fs';

/**
 * The x86 features the AVX2 faiss build is compiled for (faiss's cmake "avx2" level uses
 * -mavx2 -mfma -mf16c -mpopcnt). Loading that build on a CPU without one of them dies with
 * SIGILL at the first search, so the check must be exact, not a guess from the CPU model.
 */
export const AVX2_FLAGS = ['avx2', 'fma', 'f16c', 'popcnt'] as const;

/** Linux's /proc/cpuinfo "flags" line of the first CPU; [] elsewhere or when unreadable. */
export function cpuFlags(cpuinfo?: string): string[] {
  let text = cpuinfo;
  if (text === undefined) {
    if (process.platform !== 'linux') return [];
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return [];
    }
  }
  const line = /^flags\s*:(.*)$/m.exec(text)?.[1] ?? '';
  return line.trim().split(/\s+/).filter(Boolean);
}

export function hasAvx2(flags: readonly string[] = cpuFlags()): boolean {
  return process.arch === 'x64' && AVX2_FLAGS.every((f) => flags.includes(f));
}
