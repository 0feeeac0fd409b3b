import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sitePaths } from '../../src/main/composition/site-files';
import { SiteCipher } from '../../src/main/core/site/site-cipher';
import { SiteAdminRepository } from '../../src/main/db/site/site-admin.repository';
import { createSitePool } from '../../src/main/db/site/site-pool';
import { EMBEDDING_MODEL_ID } from './site-stations';

export interface ImportedPeople {
  /** People and templates on the site after the import, and the site's change cursor. */
  people: number;
  templates: number;
  head: number;
  /** The imported people's ids, in import order. */
  ids: string[];
  /** Each person's one template, in the same order (plaintext: the test's own copy). */
  vectors: Float32Array[];
}

/**
 * `n` people with one random unit 512-d template each, imported in bulk (sealed under the site key
 * of the station in `keyDir`), as an admin's HR import would: nothing here needs the models.
 */
export async function importSitePeople(
  keyDir: string,
  adminUrl: string,
  n: number,
): Promise<ImportedPeople> {
  const cipher = new SiteCipher(readFileSync(sitePaths(keyDir).siteKey));
  const pool = createSitePool({ url: adminUrl, max: 1 });
  try {
    const admin = new SiteAdminRepository(pool);
    // Employee ids are unique on the site: each import gets its own series.
    const batch = randomUUID().slice(0, 8);
    const vectors: Float32Array[] = [];
    const people = Array.from({ length: n }, (_, i) => {
      const personId = randomUUID();
      const vector = unitRandom(512);
      vectors.push(vector);
      const templateId = randomUUID();
      const binding = { templateId, personId, modelId: EMBEDDING_MODEL_ID, dim: 512 };
      return {
        personId,
        name: `Person ${i}`,
        employeeId: `E${batch}-${i}`,
        linkSealed: cipher.sealLinkSecret(randomBytes(32), personId),
        consent: {
          consentId: randomUUID(),
          textVersion: 'v1',
          purpose: 'access',
          grantedAt: new Date().toISOString(),
          recordedBy: 'import',
        },
        templates: [
          {
            templateId,
            modelId: EMBEDDING_MODEL_ID,
            dim: 512,
            keyId: cipher.keyId,
            sealed: cipher.sealTemplate(vector, binding),
            interEyePx: 60,
            createdAt: new Date().toISOString(),
          },
        ],
      };
    });
    await admin.importPeople(people);
    const counts = await pool.query<{ p: number; t: number; h: string }>(
      `SELECT (SELECT count(*)::int FROM site.people) AS p, (SELECT count(*)::int FROM site.templates) AS t,
              (SELECT cursor FROM site.change_head) AS h`,
    );
    const row = counts.rows[0]!;
    return {
      people: row.p,
      templates: row.t,
      head: Number(row.h),
      ids: people.map((p) => p.personId),
      vectors,
    };
  } finally {
    await pool.end();
  }
}

/** A random unit vector: as far from every other as the model's embeddings of strangers. */
function unitRandom(dim: number): Float32Array {
  const v = new Float32Array(dim).map(() => Math.random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
