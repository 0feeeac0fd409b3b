/**
 * Append-only rows of float vectors addressed by label (0..count-1), for the exact re-ranking
 * step of the routed HNSW index. Stored in fixed-size chunks so that growing a 1M x 512
 * gallery (2 GB) never copies what is already there and no single allocation gets huge.
 * Erasure zeroes a row in place (the label keeps its number, the vector is gone).
 */
const CHUNK_ROWS = 16_384;

export class VectorRows {
  private readonly chunks: Float32Array[] = [];
  private rows = 0;

  constructor(readonly dim: number) {}

  get count(): number {
    return this.rows;
  }

  /** Appends n rows given as one n*dim array. */
  append(values: Float32Array): void {
    const d = this.dim;
    let done = 0;
    const n = values.length / d;
    while (done < n) {
      const within = this.rows % CHUNK_ROWS;
      if (within === 0) this.chunks.push(new Float32Array(CHUNK_ROWS * d));
      const chunk = this.chunks[this.chunks.length - 1]!;
      const take = Math.min(n - done, CHUNK_ROWS - within);
      chunk.set(values.subarray(done * d, (done + take) * d), within * d);
      done += take;
      this.rows += take;
    }
  }

  /** A view of one row (no copy). */
  row(label: number): Float32Array {
    const chunk = this.chunks[Math.floor(label / CHUNK_ROWS)]!;
    const at = (label % CHUNK_ROWS) * this.dim;
    return chunk.subarray(at, at + this.dim);
  }

  dot(label: number, query: Float32Array): number {
    const chunk = this.chunks[Math.floor(label / CHUNK_ROWS)]!;
    const at = (label % CHUNK_ROWS) * this.dim;
    let s = 0;
    for (let j = 0; j < this.dim; j++) s += chunk[at + j]! * query[j]!;
    return s;
  }

  /** Destroys a row's vector in place. */
  scrub(label: number): void {
    this.row(label).fill(0);
  }

  /** The rows as bytes, in label order (count * dim float32, little-endian as in memory). */
  byteChunks(): Uint8Array[] {
    return this.chunks.map((chunk, i) => {
      const rowsHere = Math.min(CHUNK_ROWS, this.rows - i * CHUNK_ROWS);
      return new Uint8Array(chunk.buffer, chunk.byteOffset, rowsHere * this.dim * 4);
    });
  }

  get byteLength(): number {
    return this.rows * this.dim * 4;
  }

  /** Rows read back from byteChunks() output laid end to end. */
  static fromBytes(bytes: Uint8Array, dim: number): VectorRows {
    const rows = new VectorRows(dim);
    const rowBytes = dim * 4;
    const n = bytes.byteLength / rowBytes;
    for (let done = 0; done < n; done += CHUNK_ROWS) {
      const take = Math.min(CHUNK_ROWS, n - done);
      // Copied into a fresh (aligned) chunk: the source may sit at any byte offset.
      const chunk = new Float32Array(CHUNK_ROWS * dim);
      new Uint8Array(chunk.buffer).set(bytes.subarray(done * rowBytes, (done + take) * rowBytes));
      rows.chunks.push(chunk);
      rows.rows += take;
    }
    return rows;
  }
}
