/**
 * The final scan of a kill -9 soak (kill9-soak.ts): after the last, clean run, nothing of an
 * erased person may be left anywhere in the data folder (their stored ciphertext or their
 * vectors, in any file; their templates, persons or vectors inside the sealed index, opened
 * with the key), no temp file may be left, and the audit chain must verify.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLabelMap } from '../../../src/main/core/gallery/gallery-label-map';
import { indexFileContext, type IndexMeta } from '../../../src/main/core/gallery/gallery.service';
import { dataPaths } from '../../../src/main/core/util/data-dir';
import { templateCipherFor } from '../template-cipher';

/** What was stored for a person just before an erasure of them was started. */
export interface PersonSnapshot {
  personId: string;
  name: string;
  templates: { id: number; sealed: Buffer; vector: Buffer }[];
}

/** Reads a person's rows and opens their vectors with the data folder's key (read-only). */
export function snapshotPerson(dataDir: string, personId: string, name: string): PersonSnapshot {
  const db = new Database(dataPaths(dataDir).database, { readonly: true });
  try {
    const cipher = templateCipherFor(db);
    const rows = db
      .prepare<
        [string],
        { id: number; person_id: string; model_id: string; dim: number; vector: Buffer }
      >('SELECT id, person_id, model_id, dim, vector FROM templates WHERE person_id = ?')
      .all(personId);
    return {
      personId,
      name,
      templates: rows.map((r) => {
        const v = cipher.openTemplate(r.vector, {
          templateId: r.id,
          personId: r.person_id,
          modelId: r.model_id,
          dim: r.dim,
        });
        return { id: r.id, sealed: Buffer.from(r.vector), vector: Buffer.from(v.buffer) };
      }),
    };
  } finally {
    db.close();
  }
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

/** The person ids the database still has. */
export function enrolledIds(dataDir: string): Set<string> {
  const db = new Database(dataPaths(dataDir).database, { readonly: true });
  try {
    return new Set(
      db
        .prepare<[], { id: string }>('SELECT id FROM people')
        .all()
        .map((r) => r.id),
    );
  } finally {
    db.close();
  }
}

const ends = (b: Buffer) => [b.subarray(0, 64), b.subarray(b.length - 64)];

/** Problems found for the erased people (empty: nothing of them is left). */
export function erasedLeftovers(dataDir: string, erased: readonly PersonSnapshot[]): string[] {
  const needles = erased.flatMap((p) =>
    p.templates.flatMap((t) => [...ends(t.sealed), ...ends(t.vector)].map((n) => ({ p, n }))),
  );
  const problems: string[] = [];
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    const hit = needles.find(({ n }) => bytes.includes(n));
    if (hit) problems.push(`${file} still holds bytes of erased ${hit.p.name}`);
  }
  return problems.concat(sealedIndexLeftovers(dataDir, erased));
}

/** Opens the sealed index with the key: no erased template, person or vector inside. */
function sealedIndexLeftovers(dataDir: string, erased: readonly PersonSnapshot[]): string[] {
  const { galleryIndex, database } = dataPaths(dataDir);
  if (!existsSync(galleryIndex) || !existsSync(`${galleryIndex}.json`)) return [];
  const meta = JSON.parse(readFileSync(`${galleryIndex}.json`, 'utf8')) as IndexMeta;
  const db = new Database(database, { readonly: true });
  let plain: Buffer;
  try {
    plain = templateCipherFor(db).openFile(readFileSync(galleryIndex), indexFileContext(meta));
  } finally {
    db.close();
  }
  const map = decodeLabelMap(plain);
  const problems: string[] = [];
  for (const p of erased) {
    if (map.persons.includes(p.personId)) problems.push(`the index still labels erased ${p.name}`);
    for (const t of p.templates) {
      if (map.labels.includes(t.id)) problems.push(`the index still holds template ${t.id}`);
      if (plain.includes(t.vector.subarray(0, 64)))
        problems.push(`the index still holds a vector of erased ${p.name}`);
    }
  }
  return problems;
}

/** Temp files anywhere in the data folder (a writer killed mid-write that nobody cleaned). */
export function tempFilesLeft(dataDir: string): string[] {
  return filesUnder(dataDir).filter((f) => f.endsWith('.tmp') && statSync(f).isFile());
}
