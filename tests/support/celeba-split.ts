import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OpenSetSplit {
  /** identity -> image paths used for enrolment */
  enrolled: Map<string, string[]>;
  /** held-out images of enrolled identities: [identity, path] */
  genuineProbes: [string, string][];
  /** one image each of identities that are never enrolled */
  strangerProbes: string[];
}

/**
 * Deterministic open-set split of the CelebA subset: the first `enrolCount` identities (in
 * file order) with at least `perPerson + 1` images are enrolled from `perPerson` images and
 * probed with the rest; the next `strangerCount` identities are strangers.
 */
export function celebaOpenSetSplit(
  dataDir: string,
  enrolCount: number,
  strangerCount: number,
  perPerson = 3,
): OpenSetSplit {
  const root = join(dataDir, 'celeba_wild_subset');
  const byId = new Map<string, string[]>();
  for (const line of readFileSync(join(root, 'identities.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)) {
    const [image, id] = line.split(',');
    if (!image || !id) continue;
    byId.set(id, [...(byId.get(id) ?? []), join(root, image)]);
  }
  const usable = [...byId.entries()].filter(([, imgs]) => imgs.length >= perPerson + 1);
  if (usable.length < enrolCount + strangerCount) {
    throw new Error(`only ${usable.length} identities with ${perPerson + 1}+ images`);
  }
  const enrolled = new Map<string, string[]>();
  const genuineProbes: [string, string][] = [];
  for (const [id, imgs] of usable.slice(0, enrolCount)) {
    enrolled.set(id, imgs.slice(0, perPerson));
    for (const p of imgs.slice(perPerson)) genuineProbes.push([id, p]);
  }
  const strangerProbes = usable
    .slice(enrolCount, enrolCount + strangerCount)
    .map(([, imgs]) => imgs[0] ?? '');
  return { enrolled, genuineProbes, strangerProbes };
}
