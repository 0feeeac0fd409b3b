import { describe, expect, it } from 'vitest';
import { cpuFlags, hasAvx2 } from './cpu-features';
import { pickFaissVariant } from './station-faiss-addon';

const CPUINFO = `processor\t: 0
vendor_id\t: GenuineIntel
flags\t\t: fpu vme sse sse2 popcnt avx f16c fma avx2 avx512f
processor\t: 1
flags\t\t: fpu
`;

describe('cpu features', () => {
  it('reads the first CPU flags line', () => {
    expect(cpuFlags(CPUINFO)).toContain('avx2');
    expect(cpuFlags('no flags here')).toEqual([]);
  });

  it('needs every feature the AVX2 faiss build is compiled for', () => {
    const all = cpuFlags(CPUINFO);
    expect(hasAvx2(all)).toBe(process.arch === 'x64');
    // An AVX2 CPU without F16C (some virtual CPUs hide it) must not get the AVX2 build.
    expect(hasAvx2(all.filter((f) => f !== 'f16c'))).toBe(false);
    expect(hasAvx2([])).toBe(false);
  });
});

describe('pickFaissVariant', () => {
  it('takes AVX2 only when built and the CPU can run it', () => {
    expect(pickFaissVariant(true, true, {})).toBe('avx2');
    expect(pickFaissVariant(true, false, {})).toBe('generic');
    expect(pickFaissVariant(false, true, {})).toBe('generic');
  });

  it('honours STATION_FAISS_SIMD and fails clearly when AVX2 is demanded but unavailable', () => {
    expect(pickFaissVariant(true, true, { STATION_FAISS_SIMD: 'generic' })).toBe('generic');
    expect(pickFaissVariant(true, true, { STATION_FAISS_SIMD: 'avx2' })).toBe('avx2');
    expect(() => pickFaissVariant(true, false, { STATION_FAISS_SIMD: 'avx2' })).toThrow(
      /lacks AVX2/,
    );
    expect(() => pickFaissVariant(false, true, { STATION_FAISS_SIMD: 'avx2' })).toThrow(
      /not built/,
    );
    expect(() => pickFaissVariant(true, true, { STATION_FAISS_SIMD: 'sse' })).toThrow(
      /auto, generic or avx2/,
    );
  });
});
