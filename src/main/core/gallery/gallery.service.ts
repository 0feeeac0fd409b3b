import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-file';
import type { StoredTemplate, TemplatesRepository } from '../../db/templates.repository';
import type { VectorIndex, VectorIndexFactory } from './vector-index';

export interface PersonMatch {
  personId: string;
  similarity: number;
}

export interface GalleryOpenReport {
  templates: number;
  /** Why the index was rebuilt from the database, or null when the saved file was reused. */
  rebuiltBecause: string | null;
}

interface IndexMeta {
  kind: string;
  modelId: string;
  dim: number;
  fingerprint: string;
  sha256: string;
}

/** How many neighbours to fetch per query: enough to find the runner-up person. */
const SEARCH_K = 32;

/**
 * The searchable gallery. SQLite holds the templates (source of truth); the FAISS index is a
 * cache persisted beside it, checked against the database at start and rebuilt when missing,
 * stale (template set changed), built for another model, or corrupt.
 */
export class Gallery {
  private index: VectorIndex;
  private labelToPerson: string[] = [];
  private fingerprint = '';
  private seenDataVersion = -1;

  private constructor(
    private readonly templates: TemplatesRepository,
    private readonly factory: VectorIndexFactory,
    private readonly indexFile: string,
    readonly modelId: string,
    readonly dim: number,
  ) {
    this.index = factory.create(dim);
  }

  static open(opts: {
    templates: TemplatesRepository;
    factory: VectorIndexFactory;
    indexFile: string;
    modelId: string;
    dim: number;
  }): { gallery: Gallery; report: GalleryOpenReport } {
    const g = new Gallery(opts.templates, opts.factory, opts.indexFile, opts.modelId, opts.dim);
    const report = g.load();
    return { gallery: g, report };
  }

  get size(): number {
    this.refreshIfChangedElsewhere();
    return this.index.size;
  }

  private load(): GalleryOpenReport {
    this.seenDataVersion = this.templates.dataVersion();
    const stored = this.templates.allForModel(this.modelId);
    this.labelToPerson = stored.map((t) => t.personId);
    const fingerprint = this.templates.fingerprint(this.modelId);
    this.fingerprint = fingerprint;
    const problem = this.tryLoadSaved(fingerprint, stored.length);
    if (problem === null) return { templates: stored.length, rebuiltBecause: null };
    this.rebuild(stored);
    return { templates: stored.length, rebuiltBecause: problem };
  }

  /** Returns null when the saved index was loaded, else the reason it cannot be used. */
  private tryLoadSaved(fingerprint: string, expected: number): string | null {
    const metaFile = `${this.indexFile}.json`;
    if (!existsSync(this.indexFile) || !existsSync(metaFile)) return 'index file missing';
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Partial<IndexMeta>;
      if (meta.kind !== this.factory.kind)
        return `index kind ${String(meta.kind)} != ${this.factory.kind}`;
      if (meta.modelId !== this.modelId) return `index built for model ${String(meta.modelId)}`;
      if (meta.fingerprint !== fingerprint) return 'index stale (templates changed)';
      const bytes = readFileSync(this.indexFile);
      if (sha256(bytes) !== meta.sha256) return 'index file checksum mismatch';
      const index = this.factory.fromBuffer(bytes, this.dim);
      if (index.size !== expected) return `index holds ${index.size} vectors, database ${expected}`;
      this.index = index;
      return null;
    } catch (err) {
      return `index unreadable: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** Rebuilds the index from the database rows and persists it. */
  rebuild(stored: StoredTemplate[] = this.templates.allForModel(this.modelId)): void {
    const index = this.factory.create(this.dim);
    const all = new Float32Array(stored.length * this.dim);
    stored.forEach((t, i) => all.set(t.vector, i * this.dim));
    index.add(all);
    this.index = index;
    this.labelToPerson = stored.map((t) => t.personId);
    this.persist();
  }

  /**
   * Another process (the CLI, a second window) may have enrolled people since we loaded:
   * when the database says so, reload the index from the file it saved, or rebuild.
   */
  private refreshIfChangedElsewhere(): void {
    const version = this.templates.dataVersion();
    if (version === this.seenDataVersion) return;
    this.seenDataVersion = version;
    if (this.templates.fingerprint(this.modelId) !== this.fingerprint) this.load();
  }

  /** Call after the templates were committed to the database. */
  addCommitted(added: { personId: string; vector: Float32Array }[]): void {
    if (added.length === 0) return;
    const version = this.templates.dataVersion();
    if (version !== this.seenDataVersion) {
      // Another process committed since we last looked (an erasure, an enrolment): appending
      // to our stale index would write its erased vectors back to disk, or drop its new ones.
      // The database already holds `added` (our own commit), so rebuild from it instead.
      this.seenDataVersion = version;
      this.rebuild();
      return;
    }
    const all = new Float32Array(added.length * this.dim);
    added.forEach((t, i) => all.set(t.vector, i * this.dim));
    this.index.add(all);
    for (const t of added) this.labelToPerson.push(t.personId);
    this.persist();
  }

  /** Best similarity per person, best first (the top two drive the margin rule). */
  search(query: Float32Array, k = SEARCH_K): PersonMatch[] {
    this.refreshIfChangedElsewhere();
    const { labels, scores } = this.index.search(query, k);
    const best = new Map<string, number>();
    labels.forEach((label, i) => {
      const personId = this.labelToPerson[label];
      const score = scores[i];
      if (personId === undefined || score === undefined) return;
      if ((best.get(personId) ?? -Infinity) < score) best.set(personId, score);
    });
    return [...best.entries()]
      .map(([personId, similarity]) => ({ personId, similarity }))
      .sort((a, b) => b.similarity - a.similarity);
  }

  private persist(): void {
    const bytes = this.index.toBuffer();
    this.fingerprint = this.templates.fingerprint(this.modelId);
    const meta: IndexMeta = {
      kind: this.factory.kind,
      modelId: this.modelId,
      dim: this.dim,
      fingerprint: this.fingerprint,
      sha256: sha256(bytes),
    };
    // Data first, then the meta that vouches for it: a crash in between leaves a mismatch,
    // which the next start detects and repairs by rebuilding.
    writeFileAtomic(this.indexFile, bytes);
    writeFileAtomic(`${this.indexFile}.json`, JSON.stringify(meta, null, 2));
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
