/**
 * Set-up of bench/gallery-cold-start.ts (not timed): a real station data folder holding N
 * face-like templates, written the way enrolment writes them, and the sealed index file the
 * station itself builds and saves on its first start.
 *
 * Rows: one person per synthetic identity (5 templates each), inserted through the product's
 * repositories exactly as EnrollmentService.commit does (person + consent, link secret,
 * templates sealed by TemplatesRepository.add, one HMAC-chained "enrolment" audit row), in
 * transactions of BATCH people instead of 20,000 enrol calls: an enrolment through the service
 * re-saves the whole index (hundreds of MB at 100k) after every person.
 * Index: the station is then opened through Station.create (the composition root minus the
 * ONNX models, see stubAnalyzer), whose Gallery finds no index file, rebuilds from the database
 * with the kind the size policy picks (HNSW at 100k: minutes), seals and saves it. A second
 * open must reuse that file, or the timed runs would be measuring rebuilds.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSENT_PURPOSE, CONSENT_TEXT_VERSION } from '../../src/shared/consent';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditRecorder } from '../../src/main/core/audit/audit-recorder';
import { IdentityHasher } from '../../src/main/core/audit/identity-hasher';
import { dataFolderTemplateKeyStore } from '../../src/main/core/crypto/file-template-key-store';
import { unlockTemplateCipher } from '../../src/main/core/crypto/template-key-unlock';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { PersonLinksRepository } from '../../src/main/db/person-links.repository';
import { TemplateEncryptionRepository } from '../../src/main/db/template-encryption.repository';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { faceLikeDataset, PER_IDENTITY } from './face-like-dataset';
import type { FaceModel } from './face-like-gallery';
import { openStationWithoutModels } from './station-without-models';
import { openDatabase } from '../../src/main/composition/station-database';

/** Probes drawn by faceLikeDataset; the same count as index-backends.ts (shared cache). */
const DATASET_QUERIES = 1000;
/** Probes kept in the marker file for the timed children (first search, sanity check). */
const KEPT_PROBES = 8;
/** People per insert transaction. */
const BATCH = 1000;
const MARKER = 'bench-cold-start.json';

export interface PreparedDir {
  dir: string;
  templates: number;
  modelId: string;
  dim: number;
  /** Probe embeddings of enrolled people (a person at the door) and who they are. */
  probes: { vector: number[]; personId: string }[];
  /** Set-up cost, for the report (0 when an existing folder was reused). */
  insertMs: number;
  firstOpenMs: number;
  firstOpenReport: string;
}

export function readPrepared(dir: string): PreparedDir | null {
  const file = join(dir, MARKER);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as PreparedDir;
}

/** Inserts every identity of the dataset as an enrolled person; returns probe person ids. */
function insertPeople(
  dir: string,
  vectors: Float32Array,
  identities: number,
  modelId: string,
  dim: number,
  log: (l: string) => void,
): string[] {
  const paths = dataPaths(dir);
  const keys = dataFolderTemplateKeyStore(dir);
  const db = openDatabase(paths.database, { templateKeys: keys });
  try {
    const now = (): Date => new Date();
    const cipher = unlockTemplateCipher(new TemplateEncryptionRepository(db), keys, now);
    const people = new PeopleRepository(db);
    const links = new PersonLinksRepository(db);
    const templates = new TemplatesRepository(db, cipher);
    const hasher = new IdentityHasher(loadOrCreateKey(paths.pepperKey), (id) => links.find(id));
    const auditLog = auditLogOver(db, new AuditMac(loadOrCreateKey(paths.auditMacKey)));
    const audit = new AuditRecorder(auditLog, hasher, now);
    const personIds: string[] = [];
    const enrolOne = (identity: number): void => {
      const personId = randomUUID();
      personIds.push(personId);
      const at = now().toISOString();
      const consent = {
        textVersion: CONSENT_TEXT_VERSION,
        purpose: CONSENT_PURPOSE,
        grantedAt: at,
        recordedBy: 'bench-setup',
      };
      people.create(personId, `Person ${identity}`, at, consent);
      links.create(personId);
      for (let k = 0; k < PER_IDENTITY; k++) {
        const row = identity * PER_IDENTITY + k;
        const vector = vectors.slice(row * dim, (row + 1) * dim);
        templates.add({
          personId,
          modelId,
          vector,
          // Stands for the photo's hash (enrolment refuses the same photo twice per person).
          interEyePx: 80,
          createdAt: at,
        });
      }
      audit.record({
        kind: 'enrolment',
        decision: null,
        personId,
        similarity: null,
        details: {
          templates: PER_IDENTITY,
          consentVersion: CONSENT_TEXT_VERSION,
          recordedBy: 'bench-setup',
        },
      });
    };
    for (let first = 0; first < identities; first += BATCH) {
      db.transaction(() => {
        for (let id = first; id < Math.min(identities, first + BATCH); id++) enrolOne(id);
      })();
      if ((first / BATCH) % 5 === 4) log(`inserted ${first + BATCH}/${identities} people`);
    }
    return personIds;
  } finally {
    db.close();
  }
}

/**
 * A data folder under `root` holding n templates and the saved index, reused when a previous
 * run completed it (the marker file is written last). Re-run after a change of the index
 * implementation, the first open rebuilds the index (its kind string changed) and saves it.
 */
export function prepareStationDir(
  root: string,
  n: number,
  fitted: { model: FaceModel; modelId: string },
  log: (l: string) => void,
): PreparedDir {
  const dir = join(root, `gallery-${n}`);
  const dim = fitted.model.d;
  const previous = readPrepared(dir);
  let prepared: PreparedDir;
  if (previous && previous.templates === n && previous.modelId === fitted.modelId) {
    log(`reusing ${dir}`);
    prepared = { ...previous, insertMs: 0, firstOpenMs: 0, firstOpenReport: 'reused' };
  } else {
    rmSync(dir, { recursive: true, force: true });
    const ds = faceLikeDataset(fitted.model, n, DATASET_QUERIES, log);
    const identities = Math.ceil(n / PER_IDENTITY);
    const t0 = performance.now();
    const personIds = insertPeople(dir, ds.vectors, identities, fitted.modelId, dim, log);
    const insertMs = performance.now() - t0;
    log(`inserted ${n} templates in ${(insertMs / 1000).toFixed(1)} s`);
    prepared = {
      dir,
      templates: n,
      modelId: fitted.modelId,
      dim,
      probes: Array.from({ length: KEPT_PROBES }, (_, i) => ({
        vector: Array.from(ds.queries.subarray(i * dim, (i + 1) * dim)),
        personId: personIds[ds.queryIds[i]!]!,
      })),
      insertMs,
      firstOpenMs: 0,
      firstOpenReport: '',
    };
  }
  // First open: builds and saves the index when missing or of another kind (set-up, not timed).
  const t1 = performance.now();
  const first = openStationWithoutModels(dir, prepared.modelId, dim);
  const firstReport = first.galleryReport;
  first.close();
  const firstOpenMs = performance.now() - t1;
  log(
    `first open ${(firstOpenMs / 1000).toFixed(1)} s: ${firstReport.rebuiltBecause ?? 'saved index reused'}`,
  );
  if (firstReport.rebuiltBecause !== null) {
    prepared.firstOpenMs = firstOpenMs;
    prepared.firstOpenReport = firstReport.rebuiltBecause;
  }
  const second = openStationWithoutModels(dir, prepared.modelId, dim);
  const again = second.galleryReport.rebuiltBecause;
  second.close();
  if (again !== null)
    throw new Error(`the saved index was not reused on the second open: ${again}`);
  writeFileSync(join(dir, MARKER), JSON.stringify(prepared));
  return prepared;
}
