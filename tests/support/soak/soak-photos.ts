import { sharedDataPath } from '../shared-data';

/** The soak's people: photos 1-3 enrol them, photo 5 checks they are still recognised. */
export const SOAK_IDENTITIES = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj'];

export const soakPhoto = (who: string, i: number): string =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** A stranger's live recording: the door decides on it (unknown_face), audited. */
export const DOOR_CLIP = sharedDataPath('spoof', 'videos', 'apfol_real.webm');
