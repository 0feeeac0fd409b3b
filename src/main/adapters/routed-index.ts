import { StationError } from '../../shared/errors';
import {
  type HnswParams,
  rebuildRecommended,
  routedHnswParams,
  routesProbed,
} from '../core/gallery/index-policy';
import type {
  VectorBatchSearchResult,
  VectorIndex,
  VectorIndexStats,
  VectorSearchResult,
} from '../core/gallery/vector-index';
import {
  allFinite,
  batchShape,
  checkRows,
  engineName,
  native,
  noResults,
  removableLabels,
  searchOne,
} from './faiss-guards';
import { type NativeStationIndex, loadStationFaiss } from './station-faiss-addon';
import { encodeIndexContainer } from './faiss-index-container';
import { decodeRoutedPayload, routedPayloadParts } from './routed-index-payload';
import { VectorRows } from './vector-rows';

/** The kinds built as a routed index; they differ only in how routes are found. */
export type RoutedKind = 'hnsw' | 'pq';

/** HNSW graph shape, or the PQ code's sub-quantiser count (4 bits each). */
export type RoutedBuildOverrides = Partial<Pick<HnswParams, 'M' | 'efConstruction'>> & {
  pqSubquantizers?: number;
};

/**
 * A routed index: ROUTES (a person's templates of one enrolment, as their normalised mean) are
 * searched first, then every template of the best routes is re-ranked exactly, so the order
 * returned is exact search's order over those candidates. The kind says how routes are searched:
 * 'pq' scans every mean in 4-bit product quantisation (it cannot miss a route, only mis-rank one,
 * which re-ranking several absorbs); 'hnsw' walks a graph over the means. Face identities are
 * nearly orthogonal, the hard case for graphs (docs/BENCHMARKS.md, "Routed indexes at 1M").
 *
 * Labels are the template rows (dense, never reused). Erasure zeroes the rows and destroys every
 * route whose mean used them (the rest get a fresh route): HNSW leaves a tombstone, PQ is
 * retrained from the live routes, since a PQ code cannot be scrubbed on its own.
 */
export class RoutedIndex implements VectorIndex {
  /** The route search (HNSW graph or PQ scan); its labels are route ids. */
  private coarse: NativeStationIndex | null;
  private readonly rows: VectorRows;
  /** Per route id: its rows; empty once the route was destroyed. */
  private members: Int32Array[];
  private deadRoutes: number;
  private readonly removed: Set<number>;
  private probedOverride: number | undefined;
  /** True when loaded with its rows left in place in the load buffer (VectorIndex). */
  keepsLoadBuffer = false;

  constructor(
    readonly kind: RoutedKind,
    readonly dim: number,
    parts: {
      coarse: NativeStationIndex | null;
      rows: VectorRows;
      members: Int32Array[];
      removed: Iterable<number>;
    } | null = null,
    /** Construction overrides of the policy (benchmarks compare settings). */
    private readonly build: RoutedBuildOverrides = {},
  ) {
    this.coarse = parts?.coarse ?? null;
    this.rows = parts?.rows ?? new VectorRows(dim);
    this.members = parts?.members ?? [];
    this.removed = new Set(parts?.removed ?? []);
    this.deadRoutes = this.members.filter((m) => m.length === 0).length;
  }

  get size(): number {
    return this.rows.count;
  }

  get live(): number {
    return this.size - this.removed.size;
  }

  /** Routes held by the coarse step, destroyed ones included. */
  get routes(): number {
    return this.members.length;
  }

  private get liveRoutes(): number {
    return this.routes - this.deadRoutes;
  }

  /**
   * Overrides the policy's search knobs (until the next load): for benchmarks and for a site
   * that measured its own gallery. Both trade latency for recall.
   */
  tune(p: { efSearch?: number; routesProbed?: number }): void {
    if (p.efSearch !== undefined && this.kind === 'hnsw') {
      this.coarse?.setParameter('efSearch', p.efSearch);
    }
    if (p.routesProbed !== undefined) this.probedOverride = p.routesProbed;
  }

  private probed(): number {
    return this.probedOverride ?? routesProbed(this.kind, this.liveRoutes);
  }

  add(vectors: Float32Array, groups?: ArrayLike<number>): void {
    if (vectors.length === 0) return;
    checkRows(vectors, this.dim, 'add');
    const n = vectors.length / this.dim;
    if (groups !== undefined && groups.length !== n) {
      throw new StationError('INTERNAL', `add: ${groups.length} groups for ${n} rows`);
    }
    // Checked before anything is stored: a bad row must leave the index as it was.
    if (!allFinite(vectors)) {
      throw new StationError('INTERNAL', 'add: vectors hold non-finite values');
    }
    const first = this.size;
    this.rows.append(vectors);
    // Rows of one group in this call form one route, in order of first appearance.
    const byGroup = new Map<number, number[]>();
    const routes: number[][] = [];
    for (let i = 0; i < n; i++) {
      const key = groups?.[i];
      let list = key === undefined ? undefined : byGroup.get(key);
      if (!list) {
        list = [];
        routes.push(list);
        if (key !== undefined) byGroup.set(key, list);
      }
      list.push(first + i);
    }
    this.addRoutes(routes.map((r) => Int32Array.from(r)));
  }

  search(query: Float32Array, k: number): VectorSearchResult {
    return searchOne(this, query, k);
  }

  searchBatch(queries: Float32Array, k: number): VectorBatchSearchResult {
    const shape = batchShape(queries, this.dim, k, this.live);
    const coarse = this.coarse;
    if (!shape || !coarse) return noResults();
    const { nq, kk } = shape;
    // Enough live routes to re-rank (at least kk of them: rows added without groups are
    // routes of one), over-fetching by the HNSW tombstones the graph may still return.
    const want = Math.min(this.liveRoutes, Math.max(kk, this.probed()));
    const fetch = Math.min(coarse.ntotal, want + this.deadRoutes);
    const raw = native(() => coarse.search(queries, fetch));
    const labels = new Int32Array(nq * kk).fill(-1);
    const scores = new Float32Array(nq * kk).fill(-Infinity);
    const cand: { label: number; score: number }[] = [];
    for (let q = 0; q < nq; q++) {
      const query = queries.subarray(q * this.dim, (q + 1) * this.dim);
      cand.length = 0;
      let taken = 0;
      for (let j = 0; j < fetch && taken < want; j++) {
        const route = raw.labels[q * fetch + j] ?? -1;
        const rows = route >= 0 ? this.members[route] : undefined;
        if (!rows || rows.length === 0) continue;
        taken++;
        for (const label of rows) cand.push({ label, score: this.rows.dot(label, query) });
      }
      cand.sort((a, b) => b.score - a.score);
      const top = Math.min(kk, cand.length);
      for (let j = 0; j < top; j++) {
        labels[q * kk + j] = cand[j]!.label;
        scores[q * kk + j] = cand[j]!.score;
      }
    }
    return { labels, scores };
  }

  remove(labels: readonly number[]): void {
    const unique = removableLabels(labels, this.size, this.removed);
    if (unique.size === 0) return;
    const hit: number[] = [];
    this.members.forEach((rows, route) => {
      if (rows.some((label) => unique.has(label))) hit.push(route);
    });
    for (const label of unique) {
      this.rows.scrub(label);
      this.removed.add(label);
    }
    const survivors: Int32Array[] = [];
    for (const route of hit) {
      const rest = this.members[route]!.filter((label) => !unique.has(label));
      if (rest.length > 0) survivors.push(rest);
    }
    if (this.kind === 'pq') {
      // PQ codes cannot be destroyed one by one: re-code the live routes from scratch.
      const live = this.members.filter((rows, route) => rows.length > 0 && !hit.includes(route));
      this.coarse = null;
      this.members = [];
      this.deadRoutes = 0;
      this.addRoutes([...live, ...survivors]);
      return;
    }
    if (hit.length > 0) {
      const coarse = this.coarse!;
      const scrubbed = native(() => coarse.scrub(Int32Array.from(hit)));
      if (scrubbed !== hit.length) {
        throw new StationError(
          'INDEX_STALE',
          `remove: scrubbed ${scrubbed} of ${hit.length} routes`,
        );
      }
    }
    for (const route of hit) {
      this.members[route] = new Int32Array(0);
      this.deadRoutes++;
    }
    this.addRoutes(survivors);
  }

  stats(): VectorIndexStats {
    const params: Record<string, number> = {
      routes: this.liveRoutes,
      routesProbed: this.probed(),
    };
    const c = this.coarse;
    if (c && this.kind === 'hnsw') {
      for (const p of ['M', 'efConstruction', 'efSearch'] as const) params[p] = c.getParameter(p);
    }
    if (this.kind === 'pq') {
      // 4 bits per sub-quantiser when coded; a float mean when scanned exactly (few routes).
      // (A benchmark's override is not saved with the file: a reload reports the policy's.)
      const m = this.build.pqSubquantizers ?? pqSubquantizers(this.dim) ?? 0;
      params.pqBytesPerRoute = c?.family === 'other' ? m / 2 : this.dim * 4;
    }
    return {
      kind: this.kind,
      dim: this.dim,
      size: this.size,
      live: this.live,
      removed: this.removed.size,
      rebuildRecommended:
        rebuildRecommended(this.size, this.removed.size) ||
        rebuildRecommended(this.routes, this.deadRoutes),
      params,
      engine: engineName(),
    };
  }

  /** The station's index container around the routed payload (routed-index-payload.ts). */
  toBuffer(): Buffer {
    const coarse = this.coarse ? native(() => this.coarse!.toBuffer()) : null;
    const payload = routedPayloadParts({
      dim: this.dim,
      coarse,
      members: this.members,
      rows: this.rows,
    });
    const removed = [...this.removed].sort((a, b) => a - b);
    // One copy of every vector (the container), not two: a 100k gallery's is ~600 MB.
    const out = encodeIndexContainer({ kind: this.kind, dim: this.dim, removed }, payload);
    coarse?.fill(0);
    return out;
  }

  static fromPayload(
    kind: RoutedKind,
    buf: Buffer,
    dim: number,
    removed: readonly number[],
  ): RoutedIndex {
    const p = decodeRoutedPayload(buf, dim);
    const coarse = p.coarse
      ? native(() => loadStationFaiss().StationIndex.fromBuffer(p.coarse!))
      : null;
    const family = kind === 'hnsw' ? ['hnsw'] : ['other', 'flat'];
    if (
      coarse &&
      (coarse.dim !== dim || !family.includes(coarse.family) || coarse.ntotal !== p.members.length)
    ) {
      throw new StationError(
        'INDEX_STALE',
        `index file route search does not fit its ${p.members.length} ${kind} routes`,
      );
    }
    checkRouteCover(p.members, p.rows.count, removed);
    const index = new RoutedIndex(kind, dim, {
      coarse,
      rows: p.rows,
      members: p.members,
      removed,
    });
    if (p.rows.viewedBytes > 0) {
      // The rows stay in `buf`: zero everything else of it now (the route means, the route
      // table, the copied tail), so that an erasure, which scrubs the live copies, leaves no
      // stale one behind in this buffer.
      const rowsStart = buf.length - p.rows.byteLength;
      buf.subarray(0, rowsStart).fill(0);
      buf.subarray(rowsStart + p.rows.viewedBytes).fill(0);
      index.keepsLoadBuffer = true;
    }
    if (coarse && kind === 'hnsw') applyHnswSearch(coarse, index.liveRoutes);
    return index;
  }

  /** Adds one route per row list: the normalised mean of its rows. */
  private addRoutes(routes: Int32Array[]): void {
    if (routes.length === 0) return;
    const d = this.dim;
    const means = new Float32Array(routes.length * d);
    routes.forEach((rows, r) => {
      const mean = means.subarray(r * d, (r + 1) * d);
      for (const label of rows) {
        const v = this.rows.row(label);
        for (let j = 0; j < d; j++) mean[j]! += v[j]!;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += mean[j]! * mean[j]!;
      const inv = 1 / Math.sqrt(norm || 1);
      for (let j = 0; j < d; j++) mean[j]! *= inv;
    });
    native(() => {
      if (!this.coarse) this.coarse = this.createCoarse(means, routes.length);
      this.coarse.add(means);
    });
    means.fill(0);
    for (const r of routes) this.members.push(r); // not push(...): 200k arguments overflow the stack
  }

  private createCoarse(means: Float32Array, count: number): NativeStationIndex {
    const Index = loadStationFaiss().StationIndex;
    if (this.kind === 'hnsw') {
      const p = { ...routedHnswParams(count), ...this.build };
      const graph = new Index(this.dim, `HNSW${p.M},Flat`);
      graph.setParameter('efConstruction', p.efConstruction);
      applyHnswSearch(graph, count);
      return graph;
    }
    const m = this.build.pqSubquantizers ?? pqSubquantizers(this.dim);
    if (m === null || count < PQ_MIN_ROUTES) {
      // Too few routes to train a codebook (or a dim PQ fast-scan cannot split): scan the
      // means exactly instead; still correct, and cheap at this size.
      return new Index(this.dim, 'Flat');
    }
    const pq = new Index(this.dim, `PQ${m}x4fs`);
    pq.train(trainingRows(means, this.dim, count, PQ_TRAIN_ROUTES));
    return pq;
  }
}

/** Below this many routes the PQ kind scans route means exactly (no codebook to train). */
const PQ_MIN_ROUTES = 1_024;
/** Route means the PQ codebook is trained on (evenly strided; deterministic). */
const PQ_TRAIN_ROUTES = 65_536;

/** dim/4 sub-quantisers of 4 dims each (fast-scan needs an even count), else null. */
function pqSubquantizers(dim: number): number | null {
  return dim % 8 === 0 ? dim / 4 : null;
}

function trainingRows(values: Float32Array, dim: number, n: number, want: number): Float32Array {
  if (want >= n) return values;
  const sample = new Float32Array(want * dim);
  for (let i = 0; i < want; i++) {
    const row = Math.floor((i * n) / want);
    sample.set(values.subarray(row * dim, (row + 1) * dim), i * dim);
  }
  return sample;
}

function applyHnswSearch(graph: NativeStationIndex, routes: number): void {
  graph.setParameter('efSearch', routedHnswParams(routes).efSearch);
}

/** Every live row in exactly one live route, no removed row in any. */
function checkRouteCover(members: Int32Array[], rows: number, removed: readonly number[]): void {
  const seen = new Uint8Array(rows);
  for (const label of removed) {
    if (!Number.isInteger(label) || label < 0 || label >= rows) {
      throw new StationError('INDEX_STALE', 'index file lists removed labels it does not hold');
    }
    seen[label] = 2;
  }
  for (const list of members) {
    for (const label of list) {
      if (label < 0 || label >= rows || seen[label] !== 0) {
        throw new StationError(
          'INDEX_STALE',
          `index file route holds row ${label} twice or erased`,
        );
      }
      seen[label] = 1;
    }
  }
  if (seen.includes(0)) throw new StationError('INDEX_STALE', 'index file has rows in no route');
}
