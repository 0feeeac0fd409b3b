import { StationError } from '../../../shared/errors';
import type {
  OpenedTemplates,
  StoredTemplate,
  TamperedTemplate,
  TemplateLabel,
  TemplateStore,
} from '../ports/template-store';
import {
  bindCandidates,
  sameTampered,
  tamperedError,
  type CandidateMatch,
  type TamperFoundBy,
} from './gallery-integrity';
import {
  SealedIndexFile,
  type IndexBinding,
  type IndexFileSealer,
  type WriteLock,
} from './gallery-index-file';
import { loadSavedIndex } from './gallery-index-load';
import { bestPerPerson, SEARCH_K } from './gallery-search';
import { IndexFileWrites } from './gallery-index-writes';
import { encodeLabelMapHead, REMOVED_LABEL } from './gallery-label-map';
import type {
  GalleryIndexStats,
  GalleryOpenReport,
  IndexFactoryChooser,
  PersonMatch,
} from './gallery.types';
import type { VectorIndex, VectorIndexFactory } from './vector-index';

export {
  indexFileContext,
  type IndexFileSealer,
  type IndexMeta,
  type WriteLock,
} from './gallery-index-file';
export type {
  GalleryIndexStats,
  GalleryOpenReport,
  IndexFactoryChooser,
  PersonMatch,
} from './gallery.types';

/**
 * The searchable gallery. SQLite holds the templates (source of truth); the FAISS index is a cache
 * beside it, checked at start and rebuilt when missing, stale, of another model or corrupt. The
 * index holds the vectors, so its file is sealed with the template key and written atomically (no
 * plaintext index on disk); it is kept rather than rebuilt at every start because a rebuild
 * decrypts every row (docs/BENCHMARKS.md, "Templates encrypted at rest"). One index holds one
 * embedding model: templates of other models are reported, never mixed.
 */
export class Gallery {
  private index: VectorIndex;
  /** The factory that built `index` (its kind string goes into the meta and the AAD). */
  private factory: VectorIndexFactory;
  private readonly chooseFactory: IndexFactoryChooser;
  /** Per index label: the template id it holds, REMOVED_LABEL once erased. */
  private labelToTemplate: number[] = [];
  /** Per index label: the person, undefined once erased. */
  private labelToPerson: (string | undefined)[] = [];
  private fingerprint = '';
  private seenDataVersion = -1;
  private writeLock: WriteLock = (fn) => fn();
  private readonly file: SealedIndexFile;
  private readonly writes: IndexFileWrites;
  /** Non-empty: recognition is stopped (tamperedError) until a rebuild finds none. */
  private tampered: TamperedTemplate[] = [];
  private onTampered: (t: TamperedTemplate[], foundBy: TamperFoundBy) => void = () => undefined;

  private constructor(
    private readonly templates: TemplateStore,
    factory: VectorIndexFactory | IndexFactoryChooser,
    sealer: IndexFileSealer,
    indexFile: string,
    /** The embedding space this index holds (the model id for the shipped model). */
    readonly modelId: string,
    readonly dim: number,
  ) {
    this.file = new SealedIndexFile(indexFile, sealer, () => this.writeLock);
    this.writes = new IndexFileWrites(this.file, {
      snapshot: () => this.snapshot(),
      binding: () => this.binding(this.fingerprint),
      seenDataVersion: () => this.seenDataVersion,
      dataVersion: () => this.templates.dataVersion(),
    });
    this.chooseFactory = typeof factory === 'function' ? factory : () => factory;
    this.factory = this.chooseFactory(0, null);
    this.index = this.factory.create(dim);
  }

  static open(opts: {
    templates: TemplateStore;
    /** One fixed factory, or a chooser that follows the gallery size / admin setting. */
    factory: VectorIndexFactory | IndexFactoryChooser;
    sealer: IndexFileSealer;
    indexFile: string;
    modelId: string;
    dim: number;
    /** Held while the index files are written; absent: none (a single-process tool). */
    writeLock?: WriteLock;
    /** Told once each time tampered templates are found (the station audits it). */
    onTampered?: (tampered: TamperedTemplate[], foundBy: TamperFoundBy) => void;
  }): { gallery: Gallery; report: GalleryOpenReport } {
    const g = new Gallery(
      opts.templates,
      opts.factory,
      opts.sealer,
      opts.indexFile,
      opts.modelId,
      opts.dim,
    );
    if (opts.writeLock) g.writeLock = opts.writeLock;
    if (opts.onTampered) g.onTampered = opts.onTampered;
    const report = g.load();
    return { gallery: g, report };
  }

  get size(): number {
    this.refreshIfChangedElsewhere();
    return this.index.live;
  }

  /** The index in use and the template count it was built from (`station gallery stats`). */
  stats(): GalleryIndexStats {
    this.refreshIfChangedElsewhere();
    return { templates: this.index.live, index: this.index.stats() };
  }

  private load(): GalleryOpenReport {
    // The index is replaced wholesale: a background write of the old one is dropped.
    this.writes.supersede();
    this.seenDataVersion = this.templates.dataVersion();
    const excludedOtherModels = this.templates.otherModels(this.modelId);
    // Labels need no decryption: a usable saved index never decrypts a single row.
    const labels = this.templates.labelsForModel(this.modelId);
    const fingerprint = this.templates.fingerprint(this.modelId);
    this.fingerprint = fingerprint;
    // The saved file's kind (else the one in use) decides the policy's step-down margin.
    const saved = this.file.meta()?.kind;
    const current = typeof saved === 'string' ? saved : this.factory.kind;
    const problem = this.tryLoadSaved(
      fingerprint,
      labels,
      this.chooseFactory(labels.length, current),
    );
    if (problem === null) {
      this.tampered = [];
      return { templates: labels.length, rebuiltBecause: null, excludedOtherModels, tampered: [] };
    }
    this.file.zeroUnlessSealed();
    const opened = this.templates.openAllForModel(this.modelId);
    this.rebuildFrom(opened, current, 'start');
    return {
      templates: opened.rows.length,
      rebuiltBecause: problem,
      excludedOtherModels,
      tampered: [...this.tampered],
    };
  }

  /** Templates known to have failed their integrity check (empty: recognition runs). */
  tamperedTemplates(): TamperedTemplate[] {
    return [...this.tampered];
  }

  /** Returns null when the saved index was loaded, else the reason it cannot be used. */
  private tryLoadSaved(
    fingerprint: string,
    rows: TemplateLabel[],
    factory: VectorIndexFactory,
  ): string | null {
    const loaded = loadSavedIndex(this.file, this.binding(fingerprint, factory), factory, rows);
    if (typeof loaded === 'string') return loaded;
    this.factory = factory;
    this.index = loaded.index;
    this.labelToTemplate = loaded.labels;
    this.labelToPerson = loaded.persons;
    this.writes.adopt(loaded.tag);
    return null;
  }

  /**
   * Rebuilds the index from the database rows, as the kind the chooser picks for their
   * number, and persists it. Erasure relies on this for every kind: a fresh index holds only
   * the rows still in the database (HNSW cannot unlink a node; see ErasureService). Every row
   * is opened on the way, so this is also the full integrity check of the templates: rows that
   * fail it stop recognition (TEMPLATE_TAMPERED, naming them all) rather than being skipped.
   * `stored` (vectors this process just wrote, e.g. a site's first sync) is used only when its
   * ids and people are exactly the database's rows of this model in id order; else every row
   * is read and checked, so a stale list can never bring back an erased vector.
   */
  rebuild(stored?: StoredTemplate[], opts: { deferWrite?: boolean } = {}): void {
    this.seenDataVersion = this.templates.dataVersion();
    const opened =
      stored !== undefined && this.matchesDatabase(stored)
        ? { rows: stored, tampered: [] }
        : this.templates.openAllForModel(this.modelId);
    // deferWrite (inside holdWrites): the index serves at once, its file follows at the release.
    this.rebuildFrom(opened, this.factory.kind, 'rebuild', opts.deferWrite === true);
    if (this.tampered.length > 0) throw tamperedError(this.tampered);
  }

  /** The list's template ids and people are the database's rows of this model, in order. */
  private matchesDatabase(stored: readonly StoredTemplate[]): boolean {
    const labels = this.templates.labelsForModel(this.modelId);
    return (
      labels.length === stored.length &&
      labels.every((l, i) => l.id === stored[i]!.id && l.personId === stored[i]!.personId)
    );
  }

  private rebuildFrom(
    opened: OpenedTemplates,
    current: string,
    foundBy: TamperFoundBy,
    deferrable = false,
  ): void {
    const stored = opened.rows;
    const factory = this.chooseFactory(stored.length, current);
    const index = factory.create(this.dim);
    const all = new Float32Array(stored.length * this.dim);
    stored.forEach((t, i) => {
      this.assertFits(t.embeddingSpace, t.vector);
      all.set(t.vector, i * this.dim);
    });
    index.add(all, personGroups(stored));
    // The index keeps its own copy: this plaintext one of every vector does not outlive the build.
    all.fill(0);
    this.factory = factory;
    this.index = index;
    this.labelToTemplate = stored.map((t) => t.id);
    this.labelToPerson = stored.map((t) => t.personId);
    if (opened.tampered.length > 0) this.stopRecognition(opened.tampered, foundBy);
    else {
      this.tampered = [];
      this.persist(deferrable);
    }
  }

  /**
   * Tampered rows were found: recognition stops, and the saved index goes too (zeroed and
   * removed), so neither this process nor any other serves from it again; every later start
   * rebuilds, which checks every row, until the rows are erased or restored.
   */
  private stopRecognition(tampered: TamperedTemplate[], foundBy: TamperFoundBy): void {
    const fresh = !sameTampered(this.tampered, tampered);
    this.tampered = tampered;
    this.file.remove();
    this.writes.forget(); // a background write must not bring the file back
    if (fresh) this.onTampered([...tampered], foundBy);
  }

  /**
   * Another process (the CLI, a second window) may have enrolled people since we loaded:
   * when the database says so, reload the index from the file it saved, or rebuild.
   */
  private refreshIfChangedElsewhere(): void {
    const version = this.templates.dataVersion();
    if (version === this.seenDataVersion) return;
    this.seenDataVersion = version;
    // Also reload when the chosen kind changed (another process ran `gallery rebuild --index`),
    // when the saved index is no longer the one we hold (another process found tampered rows
    // and removed it), and, while stopped, at every change (someone may have fixed the rows).
    if (
      this.tampered.length > 0 ||
      this.templates.fingerprint(this.modelId) !== this.fingerprint ||
      this.chooseFactory(this.index.live, this.factory.kind).kind !== this.factory.kind ||
      (this.file.meta()?.tag ?? null) !== this.writes.savedTag
    )
      this.load();
  }

  /** Call after the templates were committed to the database. */
  addCommitted(added: { personId: string; vector: Float32Array; embeddingSpace?: string }[]): void {
    if (added.length === 0) return;
    if (this.tampered.length > 0) {
      this.seenDataVersion = this.templates.dataVersion();
      this.load();
      return;
    }
    const version = this.templates.dataVersion();
    if (version !== this.seenDataVersion) {
      // Another process committed since we last looked (an erasure, an enrolment): appending
      // to our stale index would write its erased vectors back to disk, or drop its new ones.
      // The database already holds `added` (our own commit), so rebuild from it instead.
      this.seenDataVersion = version;
      this.reloadFromDatabase(true);
      return;
    }
    const all = new Float32Array(added.length * this.dim);
    added.forEach((t, i) => {
      this.assertFits(t.embeddingSpace ?? this.modelId, t.vector);
      all.set(t.vector, i * this.dim);
    });
    const count = this.index.live + added.length;
    if (this.chooseFactory(count, this.factory.kind).kind !== this.factory.kind) {
      // This enrolment crossed a size-policy boundary: switch kind by rebuilding from the
      // database, which already holds `added`.
      this.reloadFromDatabase(true);
      return;
    }
    // Our own commit, nobody else's (data_version unchanged): the new rows are exactly the
    // templates above the highest id we hold. Anything else means we lost track: rebuild.
    const fresh = this.templates.labelsForModel(this.modelId, this.highestTemplateId());
    if (fresh.length !== added.length || fresh.some((r, i) => r.personId !== added[i]!.personId)) {
      this.reloadFromDatabase(true);
      return;
    }
    this.index.add(all, personGroups(added));
    for (const r of fresh) {
      this.labelToTemplate.push(r.id);
      this.labelToPerson.push(r.personId);
    }
    this.persist(true);
  }

  /**
   * Erasure: the templates' labels are removed in place (their vectors destroyed in memory
   * and in the next file; see VectorIndex.remove), so an erasure costs milliseconds instead
   * of a rebuild, which takes minutes for a large HNSW gallery. When enough labels are
   * removed that searches pay for skipping them (VectorIndex stats rebuildRecommended), the
   * index is rebuilt from the database instead. Call after the rows were deleted.
   */
  removeTemplates(templateIds: readonly number[]): { removed: number; rebuilt: boolean } {
    if (this.templates.dataVersion() !== this.seenDataVersion || this.tampered.length > 0) {
      // Someone else committed meanwhile: our labels may not match the database any more.
      // While stopped, the erasure may have removed the tampered rows: check them all again.
      this.seenDataVersion = this.templates.dataVersion();
      this.load();
      return { removed: templateIds.length, rebuilt: true };
    }
    const erased = new Set(templateIds);
    const labels: number[] = [];
    this.labelToTemplate.forEach((id, label) => {
      if (erased.has(id)) labels.push(label);
    });
    if (labels.length > 0) this.index.remove(labels);
    for (const label of labels) {
      this.labelToTemplate[label] = REMOVED_LABEL;
      this.labelToPerson[label] = undefined;
    }
    if (labels.length !== erased.size || this.index.stats().rebuildRecommended) {
      this.reloadFromDatabase();
      return { removed: labels.length, rebuilt: true };
    }
    this.persist();
    return { removed: labels.length, rebuilt: false };
  }

  private highestTemplateId(): number {
    let max = 0;
    for (const id of this.labelToTemplate) if (id > max) max = id;
    return max;
  }

  /**
   * A rebuild for our own bookkeeping (an enrolment or erasure already committed): tampered
   * rows found on the way stop recognition, but do not fail the caller's committed change.
   */
  private reloadFromDatabase(deferrable = false): void {
    this.rebuildFrom(
      this.templates.openAllForModel(this.modelId),
      this.factory.kind,
      'rebuild',
      deferrable,
    );
  }

  /**
   * Best similarity per person, best first (the top two drive the margin rule). When fewer
   * than `minPeople` people are among the `k` nearest templates (a few people with many
   * templates each), the search goes deeper, so the identify score's cohort
   * (identify-scoring.ts) sees the same people as the calibration, which scores everyone.
   * The deciding persons are bound to the database before anything is answered
   * (bindCandidates): their templates must still be theirs and open, else recognition stops
   * (TEMPLATE_TAMPERED).
   */
  search(query: Float32Array, k = SEARCH_K, minPeople = 0): PersonMatch[] {
    for (let attempt = 0; ; attempt++) {
      this.refreshIfChangedElsewhere();
      if (this.tampered.length > 0) throw tamperedError(this.tampered);
      const found = this.candidates(query, k, minPeople);
      const bound = bindCandidates(this.templates, this.modelId, query, found);
      if (bound === 'missing' && attempt === 0) {
        // A row went between our refresh and the check (another process erased it).
        this.seenDataVersion = -1;
        continue;
      }
      if (bound === 'missing') {
        throw new StationError('INDEX_STALE', 'the index names a template the database lost');
      }
      if ('tampered' in bound) {
        this.stopRecognition([bound.tampered], 'match');
        throw tamperedError(this.tampered);
      }
      return bound.matches.map((m) => ({ personId: m.personId, similarity: m.similarity }));
    }
  }

  /**
   * The same best-per-person matches straight from the index, unchecked: what erasure
   * verification asks (does the index still find the erased vectors?), which must work while
   * recognition is stopped.
   */
  nearestUnchecked(query: Float32Array, k = SEARCH_K): PersonMatch[] {
    return this.candidates(query, k, 0).map((m) => ({
      personId: m.personId,
      similarity: m.similarity,
    }));
  }

  private candidates(query: Float32Array, k: number, minPeople: number): CandidateMatch[] {
    return bestPerPerson(this.index, this.labelToPerson, this.labelToTemplate, {
      query,
      k,
      minPeople,
    });
  }

  /** The one guard against mixing embedding spaces in this index. */
  private assertFits(space: string, vector: Float32Array): void {
    if (space !== this.modelId || vector.length !== this.dim) {
      throw new StationError(
        'INDEX_STALE',
        `refusing to add a ${vector.length}-d template of embedding space ${space} to the index ` +
          `of space ${this.modelId} (${this.dim}-d): templates of different spaces are never mixed`,
      );
    }
  }

  private binding(fingerprint: string, factory = this.factory): IndexBinding {
    return { kind: factory.kind, modelId: this.modelId, dim: this.dim, fingerprint };
  }

  /**
   * Until the returned release, additions (addCommitted) change the index in memory only and
   * the sealed file is written once, at the release: a site pull of many enrolments (several
   * pages, or one every pull) rewrote the whole file for each, which for a large gallery takes
   * longer than the time between enrolments. Anything that removes writes at once, pending
   * additions included, since erasure verifies the saved file before it is acknowledged.
   * Meanwhile the file is stale, never wrong: its meta names the template set it was built
   * from, so another process, or this one after a kill, sees the mismatch and rebuilds from
   * the database. `coalesceMs`: the release leaves the additions unsaved while the last write
   * is younger than that; a later release (the next pull) writes them.
   */
  holdWrites(): (coalesceMs?: number, opts?: { background?: boolean }) => void {
    return this.writes.hold((background) => this.saveUnsaved(background));
  }

  /** Resolves once no background write of the index file is running. */
  async writesSettled(): Promise<void> {
    await this.writes.settled();
  }

  /** Whether the saved file lacks additions held in memory (holdWrites). */
  get hasUnsavedAdditions(): boolean {
    return this.writes.hasUnsaved;
  }

  /** Writes held additions, unless another process committed meanwhile (then: reload). */
  private saveUnsaved(background: boolean): void {
    if (!this.writes.hasUnsaved || this.writes.held) return;
    const version = this.templates.dataVersion();
    if (version !== this.seenDataVersion || this.tampered.length > 0) {
      // Our index may still hold what that process erased: it must not reach the file. The
      // file it saved, or a rebuild from the database, replaces ours.
      this.load();
      return;
    }
    if (background) this.writes.writeInBackground();
    else this.persist();
  }

  private persist(deferrable = false): void {
    // The fingerprint describes the index in memory (refreshIfChangedElsewhere compares it).
    this.fingerprint = this.templates.fingerprint(this.modelId);
    this.writes.write(deferrable);
  }

  /** The file's plaintext now: the label map's head, then the index bytes (zero both after). */
  private snapshot(): Buffer[] {
    return [encodeLabelMapHead(this.labelToTemplate, this.labelToPerson), this.index.toBuffer()];
  }
}

/** One small number per person of `rows`, for VectorIndex.add's routing groups. */
function personGroups(rows: readonly { personId: string }[]): Int32Array {
  const group = new Map<string, number>();
  return Int32Array.from(rows, (r) => {
    let g = group.get(r.personId);
    if (g === undefined) group.set(r.personId, (g = group.size));
    return g;
  });
}
