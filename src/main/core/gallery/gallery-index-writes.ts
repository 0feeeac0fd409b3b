import type { IndexBinding, SealedIndexFile } from './gallery-index-file';

/** What the writer asks of the gallery each time it writes. */
export interface IndexWriteSource {
  /** The file's plaintext now: fresh buffers the writer zeroes once written. */
  snapshot(): Buffer[];
  /** The AAD fields of the index in memory. */
  binding(): IndexBinding;
  /** The database's data_version the index in memory reflects. */
  seenDataVersion(): number;
  /** The database's data_version now. */
  dataVersion(): number;
}

/**
 * When the gallery's sealed index file is written: at once, held back while a site pull adds
 * people (hold), or sealed in the background. It owns the bookkeeping that keeps a write of
 * an older index from landing after a newer one (the generation) and the tag of the file on
 * disk that is ours; the gallery decides what the index holds and when to reload it.
 */
export class IndexFileWrites {
  private holds = 0;
  /** The index holds additions the saved file does not (only while or after a hold). */
  private unsaved = false;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** Bumped by every write and every replacement: a background write of an older one is dropped. */
  private generation = 0;
  /** The background write running, if any. */
  private writing: Promise<void> | null = null;
  /** The GCM tag of the index file loaded or written last (null: none on disk is ours). */
  private tag: string | null = null;

  constructor(
    private readonly file: SealedIndexFile,
    private readonly source: IndexWriteSource,
  ) {}

  get savedTag(): string | null {
    return this.tag;
  }

  get hasUnsaved(): boolean {
    return this.unsaved;
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** The index in memory was replaced wholesale: a background write of the old one is dropped. */
  supersede(): void {
    this.generation++;
  }

  /** The index in memory is exactly the saved file sealed under `tag`. */
  adopt(tag: string): void {
    this.tag = tag;
    this.unsaved = false;
  }

  /** The file was removed (tampered rows): nothing on disk is ours, nothing may bring it back. */
  forget(): void {
    this.generation++;
    this.tag = null;
    this.unsaved = false;
  }

  /**
   * Opens a hold; its release calls `save` (with the release's background choice) unless the
   * last write is younger than the release's `coalesceMs`. Releasing twice is harmless.
   */
  hold(
    save: (background: boolean) => void,
  ): (coalesceMs?: number, opts?: { background?: boolean }) => void {
    this.holds++;
    let released = false;
    return (coalesceMs = 0, opts = {}) => {
      if (released) return;
      released = true;
      this.holds--;
      if (performance.now() - this.lastWriteAt >= coalesceMs) save(opts.background === true);
    };
  }

  /** Writes the index now; `deferrable` changes inside a hold are only marked unsaved. */
  write(deferrable: boolean): void {
    if (deferrable && this.holds > 0) {
      this.unsaved = true;
      return;
    }
    // Any background write still running holds an older index: this one supersedes it.
    this.generation++;
    const plain = this.source.snapshot();
    try {
      this.tag = this.file.write(plain, this.source.binding());
      this.unsaved = false;
      this.lastWriteAt = performance.now();
    } finally {
      for (const part of plain) part.fill(0);
    }
  }

  /**
   * write() for a site pull: the index as it is now is copied (the one synchronous step), then
   * sealed and written while the station goes on (SealedIndexFile.writeInBackground). Dropped
   * when anything writes meanwhile (an erasure writes at once) or another process commits (our
   * copy may hold what it erased); then the additions stay unsaved for a later release. One
   * background write at a time: a release meanwhile leaves its additions to the next.
   */
  writeInBackground(): void {
    if (this.writing) return;
    const generation = ++this.generation;
    const dataVersion = this.source.seenDataVersion();
    const binding = this.source.binding();
    const plain = this.source.snapshot();
    this.unsaved = false;
    this.lastWriteAt = performance.now();
    const current = () =>
      generation === this.generation && this.source.dataVersion() === dataVersion;
    this.writing = this.file
      .writeInBackground(plain, binding, current)
      .then(
        (tag) => {
          if (tag !== null) this.tag = tag;
          else if (generation === this.generation) this.unsaved = true;
        },
        () => {
          if (generation === this.generation) this.unsaved = true;
        },
      )
      .finally(() => {
        for (const part of plain) part.fill(0);
        this.writing = null;
      });
  }

  /** Resolves once no background write is running. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
