/**
 * Append-only rows of float vectors addressed by label (0..count-1), for the exact re-ranking
 * step of the routed indexes. Stored in fixed-size chunks (4 MB at 512-d) so that growing a
 * 1M x 512 gallery (2 GB) never copies what is already there, no single allocation gets huge,
 * and a loaded file's rows can be used in place (fromBytes).
 * Erasure zeroes a row in place (the label keeps its number, the vector is gone).
 */
const CHUNK_ROWS = 2_048;

export class VectorRows {
  private readonly chunks: Float32Array[] = [];
  private rows = 0;
  /** Leading bytes of the fromBytes() source used in place (0 when everything was copied). */
  viewedBytes = 0;

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

  /**
   * Rows read back from byteChunks() output laid end to end. When `bytes` sits at a 4-byte
   * aligned offset, full chunks are VIEWS of it (no copy: at start a 100k gallery's rows are
   * 205 MB, and fresh memory is what a cold start pays for most here); the caller must then
   * leave `bytes` alone. The last, partial chunk is always copied so that append() can grow it.
   */
  static fromBytes(bytes: Uint8Array, dim: number): VectorRows {
    const rows = new VectorRows(dim);
    const rowBytes = dim * 4;
    const n = bytes.byteLength / rowBytes;
    const aligned = bytes.byteOffset % 4 === 0;
    for (let done = 0; done < n; done += CHUNK_ROWS) {
      const take = Math.min(CHUNK_ROWS, n - done);
      let chunk: Float32Array;
      if (aligned && take === CHUNK_ROWS) {
        chunk = new Float32Array(bytes.buffer, bytes.byteOffset + done * rowBytes, take * dim);
        rows.viewedBytes += take * rowBytes;
      } else {
        // Copied into a fresh chunk: unaligned source, or room to append after it.
        chunk = new Float32Array(CHUNK_ROWS * dim);
        new Uint8Array(chunk.buffer).set(bytes.subarray(done * rowBytes, (done + take) * rowBytes));
      }
      rows.chunks.push(chunk);
      rows.rows += take;
    }
    return rows;
  }
}
