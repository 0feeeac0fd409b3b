import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { CALIBRATION_BATCH_FILES, CALIBRATION_PHOTO_FILE, LIMITS } from '../../../shared/limits';
import { StationError } from '../../../shared/errors';
import { MAX_UPLOAD_PHOTOS, type UploadPhoto } from '../../core/calibration/calibration-uploads';
import { readInputFile } from './read-input-file';

/**
 * `station calibrate --folder DIR`: sub-folders are identities, fed in batches to the same upload
 * service as the admin view so rules and memory bounds match. File-system problems stop the run
 * naming the file; photos without a usable face are skipped and counted.
 */

/** The view's per-photo limit (base64 characters) as bytes on disk: same photos, same limit. */
export const MAX_FOLDER_PHOTO_BYTES = Math.floor((LIMITS.maxImageBase64 * 3) / 4);

export interface FolderPhoto {
  identity: string;
  path: string;
}

export interface FolderListing {
  photos: FolderPhoto[];
  identities: number;
  /** Files left out unread: not a photo, hidden, or directly in DIR (no identity). */
  ignored: number;
}

export interface FolderUpload {
  uploadId: string;
  listing: FolderListing;
  /** "identity/file: why" for each photo the service skipped (no face, several, undecodable). */
  skippedImages: string[];
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new StationError('BAD_REQUEST', `Cannot read the folder ${dir}: ${why}`);
  }
}

/**
 * Lists DIR/identity/.../photo files: a photo's identity is the folder holding it, as in the
 * view's picker. Sorted, so two runs on one folder embed in the same order.
 */
export async function listIdentityFolder(root: string): Promise<FolderListing> {
  const photos: FolderPhoto[] = [];
  let ignored = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await entriesOf(dir)) {
      const path = join(dir, e.name);
      if (e.name.startsWith('.')) {
        ignored++;
      } else if (e.isDirectory()) {
        await walk(path);
      } else if (dir === root || !CALIBRATION_PHOTO_FILE.test(e.name)) {
        ignored++;
      } else {
        photos.push({ identity: basename(dirname(path)), path });
      }
    }
  };
  await walk(root);
  photos.sort((a, b) => a.identity.localeCompare(b.identity) || a.path.localeCompare(b.path));
  return { photos, identities: new Set(photos.map((p) => p.identity)).size, ignored };
}

/** Refuses the folder before reading any photo: too many photos, or one too large to send. */
async function checkLimits(root: string, listing: FolderListing): Promise<void> {
  if (listing.photos.length === 0) {
    throw new StationError(
      'BAD_REQUEST',
      `No photos (.jpg, .jpeg, .png, .webp) in sub-folders of ${root}: the folder must hold ` +
        'one sub-folder per identity.',
    );
  }
  if (listing.photos.length > MAX_UPLOAD_PHOTOS) {
    throw new StationError(
      'BAD_REQUEST',
      `${root} holds ${listing.photos.length} photos; a calibration takes at most ` +
        `${MAX_UPLOAD_PHOTOS}. Use fewer photos per identity.`,
    );
  }
  for (const p of listing.photos) {
    let size: number;
    try {
      size = (await stat(p.path)).size;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new StationError('UNREADABLE_IMAGE', `Cannot read ${p.path}: ${why}`);
    }
    if (size > MAX_FOLDER_PHOTO_BYTES) {
      throw new StationError(
        'IMAGE_TOO_LARGE',
        `${relative(root, p.path).split(sep).join('/')} is ${(size / 1e6).toFixed(1)} MB; a ` +
          `calibration photo may be at most ${MAX_FOLDER_PHOTO_BYTES / 1e6} MB. ` +
          'Shrink it or move it out of the folder.',
      );
    }
  }
}

/** Sends one batch to the upload (null: start one); answers its id and the photos it skipped. */
export type UploadBatch = (
  uploadId: string | null,
  photos: UploadPhoto[],
) => Promise<{ uploadId: string; skippedFiles: string[] }>;

/** Reads the folder's photos batch by batch into one calibration upload. */
export async function uploadIdentityFolder(send: UploadBatch, root: string): Promise<FolderUpload> {
  const listing = await listIdentityFolder(root);
  await checkLimits(root, listing);
  let uploadId: string | null = null;
  const skippedImages: string[] = [];
  for (let i = 0; i < listing.photos.length; i += CALIBRATION_BATCH_FILES) {
    const batch: UploadPhoto[] = [];
    for (const p of listing.photos.slice(i, i + CALIBRATION_BATCH_FILES)) {
      const { bytes } = await readInputFile(p.path);
      batch.push({ identity: p.identity, fileName: basename(p.path), bytes });
    }
    const progress = await send(uploadId, batch);
    uploadId = progress.uploadId;
    skippedImages.push(...progress.skippedFiles);
  }
  return { uploadId: uploadId ?? '', listing, skippedImages };
}
