import { existsSync, readFileSync } from 'node:fs';
import { StationError } from '../../../shared/errors';
import { writeFileAtomic } from '../util/atomic-file';
import { zeroFileInPlace } from '../util/zero-file';
import type {
  ModelCount,
  StoredTemplate,
  TemplateLabel,
  TemplatesRepository,
} from '../../db/templates.repository';
import { decodeLabelMap, encodeLabelMap, REMOVED_LABEL } from './gallery-label-map';
import type { VectorIndex, VectorIndexFactory, VectorIndexStats } from './vector-index';

export interface PersonMatch {
  personId: string;
  similarity: number;
}

export interface GalleryOpenReport {
  templates: number;
  /** Why the index was rebuilt from the database, or null when the saved file was reused. */
  rebuiltBecause: string | null;
  /**
   * Templates of other embedding models, left out of the index: their vectors live in another
   * space, and comparing across models gives meaningless similarities. Re-enrol those people
   * with the current model (or erase them); empty when every template fits.
   */
  excludedOtherModels: ModelCount[];
}

/**
 * Which index to build for a gallery of `templates` vectors: the size policy
 * (index-policy.ts chooseIndexKind) or an admin's explicit choice. `current` is the factory
 * kind string of the index in use or saved (null if none), for the policy's step-down margin.
 * Asked at every load, rebuild and enrolment; a change of answer is a rebuild from the database.
 */
export type IndexFactoryChooser = (templates: number, current: string | null) => VectorIndexFactory;

export interface GalleryIndexStats {
  /** Templates of the gallery's model in the database. */
  templates: number;
  index: VectorIndexStats;
}

/** Seals the index file at rest (TemplateCipher, with the same key as the templates). */
export interface IndexFileSealer {
  sealFile(bytes: Uint8Array, context: string): Buffer;
  /**
   * Opens the sealed file at `path` if it is the sealing whose GCM tag is `tag` (null when
   * not), reading it in chunks: a 100k gallery's file is ~200 MB, and holding it whole next
   * to its plaintext cost ~1 s more at start (docs/BENCHMARKS.md, "Cold start of a 100k gallery").
   */
  openFileAt(path: string, context: string, tag: string): Buffer | null;
  /** The tag `openFileAt` expects, of bytes `sealFile` returned. */
  sealedTag(sealed: Uint8Array): string;
}

/** Written to the meta file: an index file in any other format is rebuilt (and scrubbed). */
const INDEX_FILE_FORMAT = 'faiss+labels+aes-256-gcm/v2';

export interface IndexMeta {
  format: string;
  kind: string;
  modelId: string;
  dim: number;
  fingerprint: string;
  /** The sealed file's GCM tag (hex): names the one sealing this meta vouches for. */
  tag: string;
}

/** How many neighbours to fetch per query: enough to find the runner-up person. */
const SEARCH_K = 32;
/** Deepest search for a full cohort: past this, missing cohort places take the reference. */
const MAX_SEARCH_K = 2048;

/**
 * The searchable gallery. SQLite holds the templates (source of truth); the FAISS index is a
 * cache persisted beside it, checked against the database at start and rebuilt when missing,
 * stale (template set changed), built for another model, or corrupt.
 *
 * The index holds the vectors too, so its file is sealed with the template key (AES-256-GCM,
 * bound to kind, model, dim and the template-set fingerprint): serialised in memory, sealed,
 * then written atomically, so no plaintext index ever reaches the disk. Kept on disk rather
 * than rebuilt at every start: a rebuild decrypts every row and was slower even for a flat
 * index at 10k, far slower for HNSW/IVF (docs/BENCHMARKS.md, templates encrypted at rest).
 * One index holds one embedding model: templates of other models are reported, never mixed.
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

  private constructor(
    private readonly templates: TemplatesRepository,
    factory: VectorIndexFactory | IndexFactoryChooser,
    private readonly sealer: IndexFileSealer,
    private readonly indexFile: string,
    /** The embedding space this index holds (the model id for the shipped model). */
    readonly modelId: string,
    readonly dim: number,
  ) {
    this.chooseFactory = typeof factory === 'function' ? factory : () => factory;
    this.factory = this.chooseFactory(0, null);
    this.index = this.factory.create(dim);
  }

  static open(opts: {
    templates: TemplatesRepository;
    /** One fixed factory, or a chooser that follows the gallery size / admin setting. */
    factory: VectorIndexFactory | IndexFactoryChooser;
    sealer: IndexFileSealer;
    indexFile: string;
    modelId: string;
    dim: number;
  }): { gallery: Gallery; report: GalleryOpenReport } {
    const g = new Gallery(
      opts.templates,
      opts.factory,
      opts.sealer,
      opts.indexFile,
      opts.modelId,
      opts.dim,
    );
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
    this.seenDataVersion = this.templates.dataVersion();
    const excludedOtherModels = this.templates.otherModels(this.modelId);
    // Labels need no decryption: a usable saved index never decrypts a single row.
    const labels = this.templates.labelsForModel(this.modelId);
    const fingerprint = this.templates.fingerprint(this.modelId);
    this.fingerprint = fingerprint;
    // The saved file's kind (else the one in use) decides the policy's step-down margin.
    const saved = this.readMeta()?.kind;
    const current = typeof saved === 'string' ? saved : this.factory.kind;
    const problem = this.tryLoadSaved(
      fingerprint,
      labels,
      this.chooseFactory(labels.length, current),
    );
    if (problem === null) {
      return { templates: labels.length, rebuiltBecause: null, excludedOtherModels };
    }
    // An index file from before encryption holds plaintext vectors: zero its blocks, not
    // just rename over it. (A stale SEALED file is harmless, and another process may be
    // writing it right now, so it is left to the atomic rename.)
    if (this.readMeta()?.format !== INDEX_FILE_FORMAT) zeroFileInPlace(this.indexFile);
    const stored = this.templates.allForModel(this.modelId);
    this.rebuild(stored, current);
    return { templates: stored.length, rebuiltBecause: problem, excludedOtherModels };
  }

  /** Returns null when the saved index was loaded, else the reason it cannot be used. */
  private tryLoadSaved(
    fingerprint: string,
    rows: TemplateLabel[],
    factory: VectorIndexFactory,
  ): string | null {
    const metaFile = `${this.indexFile}.json`;
    if (!existsSync(this.indexFile) || !existsSync(metaFile)) return 'index file missing';
    try {
      const meta = this.readMeta() ?? {};
      if (meta.format !== INDEX_FILE_FORMAT)
        return `index file format ${String(meta.format)} != ${INDEX_FILE_FORMAT}`;
      // A kind change (size policy crossed, admin choice) is a rebuild from the database.
      if (meta.kind !== factory.kind) return `index kind ${String(meta.kind)} != ${factory.kind}`;
      if (meta.modelId !== this.modelId) return `index built for model ${String(meta.modelId)}`;
      if (meta.fingerprint !== fingerprint) return 'index stale (templates changed)';
      const context = this.fileContext(fingerprint, factory);
      // Metas of older stations carried a SHA-256 instead: the file is rebuilt once.
      if (typeof meta.tag !== 'string') return 'index meta names no sealing tag';
      const bytes = this.sealer.openFileAt(this.indexFile, context, meta.tag);
      if (bytes === null) return 'index file checksum mismatch';
      let index: VectorIndex | undefined;
      let map: number[];
      let indexBytes = 0;
      try {
        const decoded = decodeLabelMap(bytes);
        map = decoded.labels;
        indexBytes = decoded.index.length;
        index = factory.fromBuffer(decoded.index, this.dim);
      } finally {
        // Plaintext vectors: zeroed, except what the index now uses as its own memory.
        if (index?.keepsLoadBuffer) bytes.subarray(0, bytes.length - indexBytes).fill(0);
        else bytes.fill(0);
      }
      const persons = labelPersons(map, index, rows);
      if (typeof persons === 'string') return persons;
      this.factory = factory;
      this.index = index;
      this.labelToTemplate = map;
      this.labelToPerson = persons;
      return null;
    } catch (err) {
      return `index unreadable: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private readMeta(): Partial<IndexMeta> | null {
    try {
      return JSON.parse(readFileSync(`${this.indexFile}.json`, 'utf8')) as Partial<IndexMeta>;
    } catch {
      return null;
    }
  }

  /**
   * Rebuilds the index from the database rows, as the kind the chooser picks for their
   * number, and persists it. Erasure relies on this for every kind: a fresh index holds only
   * the rows still in the database (HNSW cannot unlink a node; see ErasureService).
   */
  rebuild(
    stored: StoredTemplate[] = this.templates.allForModel(this.modelId),
    current: string = this.factory.kind,
  ): void {
    const factory = this.chooseFactory(stored.length, current);
    const index = factory.create(this.dim);
    const all = new Float32Array(stored.length * this.dim);
    stored.forEach((t, i) => {
      this.assertFits(t.embeddingSpace, t.vector);
      all.set(t.vector, i * this.dim);
    });
    index.add(all, personGroups(stored));
    this.factory = factory;
    this.index = index;
    this.labelToTemplate = stored.map((t) => t.id);
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
    // Also reload when the chosen kind changed (another process ran `gallery rebuild --index`).
    if (
      this.templates.fingerprint(this.modelId) !== this.fingerprint ||
      this.chooseFactory(this.index.live, this.factory.kind).kind !== this.factory.kind
    )
      this.load();
  }

  /** Call after the templates were committed to the database. */
  addCommitted(added: { personId: string; vector: Float32Array; embeddingSpace?: string }[]): void {
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
    added.forEach((t, i) => {
      this.assertFits(t.embeddingSpace ?? this.modelId, t.vector);
      all.set(t.vector, i * this.dim);
    });
    const count = this.index.live + added.length;
    if (this.chooseFactory(count, this.factory.kind).kind !== this.factory.kind) {
      // This enrolment crossed a size-policy boundary: switch kind by rebuilding from the
      // database, which already holds `added`.
      this.rebuild();
      return;
    }
    // Our own commit, nobody else's (data_version unchanged): the new rows are exactly the
    // templates above the highest id we hold. Anything else means we lost track: rebuild.
    const fresh = this.templates.labelsForModel(this.modelId, this.highestTemplateId());
    if (fresh.length !== added.length || fresh.some((r, i) => r.personId !== added[i]!.personId)) {
      this.rebuild();
      return;
    }
    this.index.add(all, personGroups(added));
    for (const r of fresh) {
      this.labelToTemplate.push(r.id);
      this.labelToPerson.push(r.personId);
    }
    this.persist();
  }

  /**
   * Erasure: the templates' labels are removed in place (their vectors destroyed in memory
   * and in the next file; see VectorIndex.remove), so an erasure costs milliseconds instead
   * of a rebuild, which takes minutes for a large HNSW gallery. When enough labels are
   * removed that searches pay for skipping them (VectorIndex stats rebuildRecommended), the
   * index is rebuilt from the database instead. Call after the rows were deleted.
   */
  removeTemplates(templateIds: readonly number[]): { removed: number; rebuilt: boolean } {
    if (this.templates.dataVersion() !== this.seenDataVersion) {
      // Someone else committed meanwhile: our labels may not match the database any more.
      this.seenDataVersion = this.templates.dataVersion();
      this.rebuild();
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
      this.rebuild();
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
   * Best similarity per person, best first (the top two drive the margin rule). When fewer
   * than `minPeople` people are among the `k` nearest templates (a few people with many
   * templates each), the search goes deeper, so the identify score's cohort
   * (identify-scoring.ts) sees the same people as the calibration, which scores everyone.
   */
  search(query: Float32Array, k = SEARCH_K, minPeople = 0): PersonMatch[] {
    this.refreshIfChangedElsewhere();
    const live = this.index.live;
    for (let depth = Math.max(1, k); ; depth *= 4) {
      const found = this.searchPeople(query, depth);
      if (found.length >= minPeople || depth >= live || depth >= MAX_SEARCH_K) return found;
    }
  }

  private searchPeople(query: Float32Array, k: number): PersonMatch[] {
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

  private fileContext(fingerprint: string, factory = this.factory): string {
    return indexFileContext({
      kind: factory.kind,
      modelId: this.modelId,
      dim: this.dim,
      fingerprint,
    });
  }

  private persist(): void {
    this.fingerprint = this.templates.fingerprint(this.modelId);
    const index = this.index.toBuffer();
    const plain = encodeLabelMap(this.labelToTemplate, index);
    index.fill(0);
    const bytes = this.sealer.sealFile(plain, this.fileContext(this.fingerprint));
    plain.fill(0);
    const meta: IndexMeta = {
      format: INDEX_FILE_FORMAT,
      kind: this.factory.kind,
      modelId: this.modelId,
      dim: this.dim,
      fingerprint: this.fingerprint,
      tag: this.sealer.sealedTag(bytes),
    };
    // Data first, then the meta that vouches for it: a crash in between leaves a mismatch,
    // which the next start detects and repairs by rebuilding.
    writeFileAtomic(this.indexFile, bytes);
    writeFileAtomic(`${this.indexFile}.json`, JSON.stringify(meta, null, 2));
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

/**
 * What a sealed index file is bound to (AAD): a file moved from another folder or model, or
 * an older file replayed under a newer meta, fails to open and is rebuilt.
 */
export function indexFileContext(m: Pick<IndexMeta, 'kind' | 'modelId' | 'dim' | 'fingerprint'>) {
  return ['gallery-index', m.kind, m.modelId, m.dim, m.fingerprint].join('\0');
}

/**
 * The person of each label of a saved index, or why the file does not fit the database: its
 * live labels must be exactly the database's templates of the model, each once, and its
 * removed labels exactly the index's tombstones. A file holding a template the database no
 * longer has (an erasure whose index write was lost) is refused and rebuilt.
 */
function labelPersons(
  map: number[],
  index: VectorIndex,
  rows: TemplateLabel[],
): (string | undefined)[] | string {
  if (map.length !== index.size) return `index has ${index.size} labels, its map ${map.length}`;
  const removed = map.filter((id) => id === REMOVED_LABEL).length;
  if (removed !== index.size - index.live) return 'index tombstones do not match its label map';
  if (index.live !== rows.length)
    return `index holds ${index.live} vectors, database ${rows.length}`;
  return personsInIdOrder(map, rows) ?? personsByLookup(map, rows);
}

/**
 * The usual case, without a 100k-entry Map and Set at every start (~0.2 s at 100k): a map
 * written by a rebuild lists the live templates in id order, as `rows` come (ORDER BY id).
 * Matching them one by one proves the same set, each once. Null when not in that order.
 */
function personsInIdOrder(map: number[], rows: TemplateLabel[]): (string | undefined)[] | null {
  const persons: (string | undefined)[] = new Array<string | undefined>(map.length);
  let next = 0;
  for (let i = 0; i < map.length; i++) {
    const id = map[i];
    if (id === REMOVED_LABEL) {
      persons[i] = undefined; // every index set: no holes for forEach/map to skip
      continue;
    }
    const row = rows[next];
    if (row === undefined || row.id !== id) return null;
    persons[i] = row.personId;
    next++;
  }
  return next === rows.length ? persons : null;
}

function personsByLookup(map: number[], rows: TemplateLabel[]): (string | undefined)[] | string {
  const personOf = new Map(rows.map((r) => [r.id, r.personId]));
  const seen = new Set<number>();
  const persons: (string | undefined)[] = [];
  for (const id of map) {
    if (id === REMOVED_LABEL) {
      persons.push(undefined);
      continue;
    }
    const person = personOf.get(id);
    if (person === undefined) return `index holds template ${id}, which the database does not`;
    if (seen.has(id)) return `index holds template ${id} twice`;
    seen.add(id);
    persons.push(person);
  }
  return persons;
}
