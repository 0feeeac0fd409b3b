import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileSealStream } from '../crypto/template-cipher';
import { writeFileAtomic } from '../util/atomic-file';
import { zeroFileInPlace } from '../util/zero-file';

/** Seals the index file at rest (TemplateCipher, with the same key as the templates). */
export interface IndexFileSealer {
  /** Seals the concatenation of the parts. */
  sealFile(bytes: readonly Uint8Array[], context: string): Buffer;
  /** The same sealing piece by piece (writeInBackground); absent: written in one go. */
  sealFileStream?(context: string): FileSealStream;
  /**
   * Opens the sealed file at `path` if it is the sealing whose GCM tag is `tag` (null when
   * not), reading it in chunks: a 100k gallery's file is ~200 MB, and holding it whole next
   * to its plaintext cost ~1 s more at start (docs/BENCHMARKS.md, "Cold start of a 100k gallery").
   */
  openFileAt(path: string, context: string, tag: string): Buffer | null;
  /** The tag `openFileAt` expects, of bytes `sealFile` returned. */
  sealedTag(sealed: Uint8Array): string;
}

/**
 * Runs `fn` holding the lock every writer of the index files holds (the database's write lock,
 * shared by all processes on this data folder): a temp file seen under it is a killed
 * writer's leftover (removeStaleTempFiles), never one being written.
 */
export type WriteLock = <T>(fn: () => T) => T;

/**
 * Written to the meta file: an index file in any other format is rebuilt. v3: the label map
 * carries each label's person (gallery-label-map.ts).
 */
export const INDEX_FILE_FORMAT = 'faiss+labels+persons+aes-256-gcm/v3';

export interface IndexMeta {
  format: string;
  kind: string;
  modelId: string;
  dim: number;
  fingerprint: string;
  /** The sealed file's GCM tag (hex): names the one sealing this meta vouches for. */
  tag: string;
}

/** Sealed and written per step by writeInBackground (a few ms of CPU each). */
const BACKGROUND_CHUNK_BYTES = 4 << 20;

/** What a sealed index file is bound to besides its bytes: the AAD fields. */
export type IndexBinding = Pick<IndexMeta, 'kind' | 'modelId' | 'dim' | 'fingerprint'>;

/**
 * What a sealed index file is bound to (AAD): a file moved from another folder or model, or
 * an older file replayed under a newer meta, fails to open and is rebuilt.
 */
export function indexFileContext(m: IndexBinding) {
  return ['gallery-index', m.kind, m.modelId, m.dim, m.fingerprint].join('\0');
}

/**
 * The index file and its meta on disk: sealed (AES-256-GCM, bound to kind, model, dim and the
 * template-set fingerprint), written atomically under the write lock, meta after data.
 */
export class SealedIndexFile {
  constructor(
    readonly path: string,
    private readonly sealer: IndexFileSealer,
    private readonly writeLock: () => WriteLock,
  ) {}

  meta(): Partial<IndexMeta> | null {
    try {
      return JSON.parse(readFileSync(`${this.path}.json`, 'utf8')) as Partial<IndexMeta>;
    } catch {
      return null;
    }
  }

  exists(): boolean {
    return existsSync(this.path) && existsSync(`${this.path}.json`);
  }

  /** The decrypted bytes if the file is the sealing `tag` names under `binding`, else null. */
  open(binding: IndexBinding, tag: string): Buffer | null {
    return this.sealer.openFileAt(this.path, indexFileContext(binding), tag);
  }

  /** Seals and writes `plain` (data first, then the meta that vouches for it); returns the tag. */
  write(plain: readonly Uint8Array[], binding: IndexBinding): string {
    const bytes = this.sealer.sealFile(plain, indexFileContext(binding));
    const tag = this.sealer.sealedTag(bytes);
    // A crash between the two writes leaves a mismatch, which the next start detects and
    // repairs by rebuilding.
    this.writeLock()(() => {
      writeFileAtomic(this.path, bytes);
      this.writeMeta(binding, tag);
    });
    return tag;
  }

  private writeMeta(binding: IndexBinding, tag: string): void {
    const meta: IndexMeta = { format: INDEX_FILE_FORMAT, ...binding, tag };
    writeFileAtomic(`${this.path}.json`, JSON.stringify(meta, null, 2));
  }

  /**
   * write() without holding up the caller: sealed and written a chunk at a time, yielding
   * between chunks, to a temp file; renamed into place under the write lock only if
   * `current()` still says so then (an erasure, or another process's commit, meanwhile makes
   * these bytes wrong: they are dropped). Resolves to the tag, or null when dropped.
   * The temp name carries this process's id: another process's start-up removes it only
   * under the lock, and then the rename here fails and the write counts as dropped.
   */
  async writeInBackground(
    plain: readonly Uint8Array[],
    binding: IndexBinding,
    current: () => boolean,
  ): Promise<string | null> {
    const stream = this.sealer.sealFileStream?.(indexFileContext(binding));
    if (!stream) return current() ? this.write(plain, binding) : null;
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    let renamed = false;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(stream.head);
      for (const part of plain) {
        for (let i = 0; i < part.length; i += BACKGROUND_CHUNK_BYTES) {
          if (!current()) return null;
          await file.writeFile(stream.update(part.subarray(i, i + BACKGROUND_CHUNK_BYTES)));
        }
      }
      const { tail, tag } = stream.final();
      await file.writeFile(tail);
      await file.sync();
      await file.close();
      return this.writeLock()(() => {
        if (!current()) return null;
        renameSync(tmp, this.path);
        renamed = true;
        this.writeMeta(binding, tag);
        return tag;
      });
    } finally {
      await file.close().catch(() => undefined);
      if (!renamed) this.dropTemp(tmp);
    }
  }

  /** A dropped background write's temp file: zeroed (it may hold erased vectors), removed. */
  private dropTemp(tmp: string): void {
    try {
      this.writeLock()(() => {
        if (!existsSync(tmp)) return;
        zeroFileInPlace(tmp);
        rmSync(tmp, { force: true });
      });
    } catch {
      // The station closed meanwhile: its next start removes the temp file (stale-temp-files).
    }
  }

  /**
   * An index file from before encryption holds plaintext vectors: its blocks are zeroed, not
   * just renamed over. (A stale SEALED file is harmless and left to the atomic rename.)
   */
  zeroUnlessSealed(): void {
    if (!String(this.meta()?.format ?? '').includes('aes-256-gcm'))
      this.writeLock()(() => zeroFileInPlace(this.path));
  }

  /** Zeroes and removes both files, so no process serves from them again. */
  remove(): void {
    this.writeLock()(() => {
      zeroFileInPlace(this.path);
      rmSync(this.path, { force: true });
      rmSync(`${this.path}.json`, { force: true });
    });
  }
}
