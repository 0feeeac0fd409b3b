import { randomBytes } from 'node:crypto';
import { StationError } from '../../../shared/errors';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';

/**
 * Labelled photos an admin uploads for calibration (a folder of identities, one sub-folder per
 * person). They arrive in batches (an IPC message must stay small), are embedded through the
 * station's own pipeline as they come, and only the embeddings are kept, in memory: photos of
 * people who never consented to enrolment are never written anywhere.
 */

export interface UploadPhoto {
  identity: string;
  fileName: string;
  bytes: Buffer;
}

export interface UploadSkips {
  noFace: number;
  /** More than one face: whose identity the label means is ambiguous, so the file is left out. */
  manyFaces: number;
  unreadable: number;
}

export interface UploadProgress {
  uploadId: string;
  /** Embedded photos and distinct identities so far. */
  photos: number;
  identities: number;
  skipped: UploadSkips;
  /** Plain-words reason per skipped file of this batch (file name: why). */
  skippedFiles: string[];
}

export interface LabelledUpload {
  identities: string[];
  /** Identity index per embedding. */
  labels: number[];
  vectors: Float32Array[];
  skipped: UploadSkips;
}

interface Upload extends LabelledUpload {
  touchedAt: number;
}

/** Photos per upload: enough for hundreds of identities, bounded so memory stays small. */
export const MAX_UPLOAD_PHOTOS = 5000;
/** An abandoned upload is dropped after this long. */
const UPLOAD_TTL_MS = 30 * 60 * 1000;
/** One admin at a time: at most two uploads are held (the current and the one before). */
const MAX_UPLOADS = 2;

export class CalibrationUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly analyzer: FaceAnalyzer,
    private readonly decode: ImageDecoder,
    private readonly nowMs: () => number,
  ) {}

  /** Adds a batch to an upload (null = start a new one); per-file skips never fail the batch. */
  async add(uploadId: string | null, photos: readonly UploadPhoto[]): Promise<UploadProgress> {
    const id = uploadId ?? this.start();
    const upload = this.get(id);
    if (upload.labels.length + photos.length > MAX_UPLOAD_PHOTOS) {
      throw new StationError(
        'BAD_REQUEST',
        `A calibration upload holds at most ${MAX_UPLOAD_PHOTOS} photos; this batch would make ` +
          `${upload.labels.length + photos.length}. Use fewer photos per identity.`,
      );
    }
    const skippedFiles: string[] = [];
    for (const photo of photos) {
      const why = await this.embedInto(upload, photo);
      if (why) skippedFiles.push(`${photo.identity}/${photo.fileName}: ${why}`);
    }
    upload.touchedAt = this.nowMs();
    return {
      uploadId: id,
      photos: upload.labels.length,
      identities: upload.identities.length,
      skipped: { ...upload.skipped },
      skippedFiles,
    };
  }

  /** The upload's embeddings; BAD_REQUEST when it is unknown or expired. */
  get(uploadId: string): Upload {
    this.expire();
    const upload = this.uploads.get(uploadId);
    if (!upload) {
      throw new StationError(
        'BAD_REQUEST',
        `Calibration upload ${uploadId} is not held any more (uploads are kept in memory for ` +
          `30 minutes and not across restarts): upload the folder again.`,
      );
    }
    return upload;
  }

  private start(): string {
    this.expire();
    while (this.uploads.size >= MAX_UPLOADS) {
      const oldest = this.uploads.keys().next().value;
      if (oldest === undefined) break;
      this.uploads.delete(oldest);
    }
    const id = randomBytes(12).toString('hex');
    const skipped = { noFace: 0, manyFaces: 0, unreadable: 0 };
    this.uploads.set(id, {
      identities: [],
      labels: [],
      vectors: [],
      skipped,
      touchedAt: this.nowMs(),
    });
    return id;
  }

  private expire(): void {
    const now = this.nowMs();
    for (const [id, u] of this.uploads) {
      if (now - u.touchedAt > UPLOAD_TTL_MS) this.uploads.delete(id);
    }
  }

  /** Embeds one photo into the upload; returns why it was skipped, or null. */
  private async embedInto(upload: Upload, photo: UploadPhoto): Promise<string | null> {
    let faces;
    try {
      faces = await this.analyzer.analyzeImage(await this.decode(photo.bytes, photo.fileName));
    } catch (err) {
      if (!(err instanceof StationError)) throw err;
      upload.skipped.unreadable++;
      return err.message;
    }
    const [face, ...others] = faces;
    if (!face) {
      upload.skipped.noFace++;
      return 'no face found';
    }
    if (others.length > 0) {
      upload.skipped.manyFaces++;
      return `${faces.length} faces: the label cannot say which one is ${photo.identity}`;
    }
    let label = upload.identities.indexOf(photo.identity);
    if (label < 0) label = upload.identities.push(photo.identity) - 1;
    upload.labels.push(label);
    upload.vectors.push(face.embedding);
    return null;
  }
}
