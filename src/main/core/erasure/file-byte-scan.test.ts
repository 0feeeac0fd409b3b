import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tests/support/temp-dir';
import { findNeedlesInFile, vectorNeedles } from './file-byte-scan';

describe('findNeedlesInFile', () => {
  const tmp = makeTempDir('byte-scan-');
  afterAll(() => tmp.cleanup());

  it('finds a needle straddling the 1 MiB chunk boundary, and only the needles present', () => {
    const file = join(tmp.dir, 'f.bin');
    const bytes = Buffer.alloc(3 << 20);
    const straddling = randomBytes(64);
    const late = randomBytes(64);
    straddling.copy(bytes, (1 << 20) - 30);
    late.copy(bytes, bytes.length - 64);
    writeFileSync(file, bytes);
    const absent = randomBytes(64);
    expect([...findNeedlesInFile(file, [absent, straddling, late])].sort()).toEqual([1, 2]);
    expect(findNeedlesInFile(join(tmp.dir, 'missing'), [late]).size).toBe(0);
  });

  it('takes the first and last 64 bytes of a float32 vector', () => {
    const v = Float32Array.from({ length: 512 }, (_, i) => i / 512);
    const [head, tail] = vectorNeedles(v);
    expect(head?.equals(Buffer.from(v.buffer, 0, 64))).toBe(true);
    expect(tail?.equals(Buffer.from(v.buffer, 2048 - 64, 64))).toBe(true);
    expect(vectorNeedles(new Float32Array(8))).toHaveLength(1);
  });
});
