/**
 * A folder of identities chosen with `<input type=file webkitdirectory>`: every file carries
 * its path inside the chosen folder (`webkitRelativePath`, "root/person/photo.jpg"); the
 * sub-folder it sits in names the identity. Files directly in the root, or that are not
 * photos, have no label and are counted, not sent.
 */
import { CALIBRATION_PHOTO_FILE } from '../../../shared/limits';

export interface LabelledFile {
  identity: string;
  file: File;
}

export interface FolderSelection {
  photos: LabelledFile[];
  identities: number;
  /** Files left out here: not a photo, or not inside an identity sub-folder. */
  ignored: number;
}

export function labelFolderFiles(files: readonly File[]): FolderSelection {
  const photos: LabelledFile[] = [];
  let ignored = 0;
  for (const file of files) {
    const parts = (file.webkitRelativePath || file.name).split('/').filter(Boolean);
    const identity = parts.length >= 3 ? parts[parts.length - 2] : undefined;
    if (!identity || !CALIBRATION_PHOTO_FILE.test(file.name)) {
      ignored++;
      continue;
    }
    photos.push({ identity, file });
  }
  photos.sort(
    (a, b) => a.identity.localeCompare(b.identity) || a.file.name.localeCompare(b.file.name),
  );
  return { photos, identities: new Set(photos.map((p) => p.identity)).size, ignored };
}
