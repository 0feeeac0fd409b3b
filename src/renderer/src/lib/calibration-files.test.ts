import { describe, expect, it } from 'vitest';
import { labelFolderFiles } from './calibration-files';
import { percent, ticks, unit } from './svg-plot';

/** A File as `<input webkitdirectory>` gives it: its path inside the chosen folder. */
function fileAt(path: string): File {
  const f = new File([new Uint8Array([1, 2, 3])], path.split('/').pop()!);
  Object.defineProperty(f, 'webkitRelativePath', { value: path });
  return f;
}

describe('labelFolderFiles', () => {
  it('labels photos by their sub-folder and counts what it leaves out', () => {
    const sel = labelFolderFiles([
      fileAt('people/bob/2.jpg'),
      fileAt('people/ada/1.JPG'),
      fileAt('people/ada/2.png'),
      fileAt('people/bob/notes.txt'),
      fileAt('people/loose.jpg'),
      fileAt('people/bob/sub/3.webp'),
    ]);
    expect(sel.photos.map((p) => `${p.identity}/${p.file.name}`)).toEqual([
      'ada/1.JPG',
      'ada/2.png',
      'bob/2.jpg',
      'sub/3.webp',
    ]);
    expect(sel.identities).toBe(3);
    expect(sel.ignored).toBe(2);
  });
});

describe('svg-plot scales', () => {
  it('puts log values on decades and clamps zero to the axis edge', () => {
    const axis = { kind: 'log', min: 1e-6, max: 1, label: '' } as const;
    expect(unit(axis, 1e-3)).toBeCloseTo(0.5);
    expect(unit(axis, 0)).toBe(0);
    expect(unit(axis, 2)).toBe(1);
    expect(ticks(axis).map((t) => t.label)).toEqual([
      '1e-6',
      '1e-5',
      '1e-4',
      '1e-3',
      '1e-2',
      '1e-1',
      '1',
    ]);
    expect(percent(0.000123)).toBe('0.0123 %');
    expect(percent(null)).toBe('–');
  });
});
