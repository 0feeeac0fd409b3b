import type { TemplateBinding } from '../crypto/template-cipher';

export interface NewTemplate {
  personId: string;
  modelId: string;
  /** The embedding space (embedding-manifest.ts); defaults to modelId (the shipped feeding). */
  embeddingSpace?: string;
  vector: Float32Array;
  interEyePx: number;
  createdAt: string;
}

export interface StoredTemplate {
  id: number;
  personId: string;
  modelId: string;
  embeddingSpace: string;
  vector: Float32Array;
}

/** What an index label stands for. */
export interface TemplateLabel {
  id: number;
  personId: string;
}

/**
 * A template with the bytes stored for it (erasure scans the files for both forms); vector is
 * null when the row failed its integrity check (it is erased all the same).
 */
export interface SealedTemplate extends Omit<StoredTemplate, 'vector'> {
  vector: Float32Array | null;
  sealed: Buffer;
}

/** A stored template that failed its integrity check, and why (for reports and errors). */
export interface TamperedTemplate {
  templateId: number;
  /** The person the row names now (which may itself be what was changed). */
  personId: string;
  reason: string;
}

/** All templates of a model that opened, and those that did not. */
export interface OpenedTemplates {
  rows: StoredTemplate[];
  tampered: TamperedTemplate[];
}

/** How many templates of another embedding space the gallery left out of its index. */
export interface ModelCount {
  /** The embedding space (the model id, for templates of the shipped model). */
  modelId: string;
  templates: number;
}

/** Which key and format the templates are sealed with (one row, see migration 0040). */
export interface TemplateEncryptionRecord {
  format: string;
  keyId: string;
  /** HKDF-derived from the key: proves a key is the right one without decrypting a row. */
  checkValue: string;
  createdAt: string;
}

/**
 * Face templates, sealed at rest by the store (core/crypto/template-cipher.ts): the database is
 * the source of truth, the FAISS file a cache. Implemented by db/templates.repository.ts.
 */
export interface TemplateStore {
  add(t: NewTemplate): number;
  /** Several templates in one transaction; returns their ids, in order. */
  addMany(ts: readonly NewTemplate[]): number[];
  /** All templates of one embedding space, in id order (the order the index is built in). */
  allForModel(modelId: string): StoredTemplate[];
  /** Every template of one space, opened one by one: tampered rows are reported, not thrown. */
  openAllForModel(modelId: string): OpenedTemplates;
  /** Template `id` opened only if it still belongs to `expected`; null when the row is gone. */
  openBound(
    id: number,
    expected: { personId: string; space: string },
  ): { vector: Float32Array } | { tampered: TamperedTemplate } | null;
  /** Template id and person of every template of one model (ids above `afterId` if given). */
  labelsForModel(modelId: string, afterId?: number): TemplateLabel[];
  /** Templates of every OTHER embedding space: never indexed with this one, but reported. */
  otherModels(modelId: string): ModelCount[];
  /** People whose templates all lie in other embedding spaces (they must re-enrol). */
  peopleOutsideSpace(space: string): string[];
  /** One person's templates of every model, with their stored bytes (erasure verifies both). */
  forPerson(personId: string): SealedTemplate[];
  /** Deletes one person's templates; returns how many rows went. */
  deleteForPerson(personId: string): number;
  /** Cheap identity of the template set, used to tell whether the index file is stale. */
  fingerprint(modelId: string): string;
  /** Changes whenever another connection committed (asked before every search). */
  dataVersion(): number;
}

/** The one row saying which key seals the templates (db/template-encryption.repository.ts). */
export interface TemplateEncryptionStore {
  get(): TemplateEncryptionRecord | null;
  save(r: TemplateEncryptionRecord): void;
  /** Every stored template, whatever its model: all of them depend on the key. */
  templateCount(): number;
  /** Templates not sealed with this key (plaintext leftovers have key_id NULL). */
  countNotSealedWith(keyId: string): number;
  /** Runs `fn` in a write transaction taken up front, so two first starts serialise. */
  exclusively<T>(fn: () => T): T;
}

/** How the template store seals and opens vectors (core/crypto/template-cipher.ts). */
export interface TemplateSealing {
  readonly keyId: string;
  sealTemplate(vector: Float32Array, at: TemplateBinding): Buffer;
  openTemplate(sealed: Buffer, at: TemplateBinding): Float32Array;
}
