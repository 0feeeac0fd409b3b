/**
 * What bench/challenge-door.ts presents to the door: every live and attack video of
 * ../shared/data, the person each shows (enrolled from stills of their own live footage), and
 * the action clips: spans of real footage in which someone faces the camera and then performs
 * one of the challenge's actions (mirrored spans turn the other way). Spans were read off the
 * station's own per-frame head pose of each clip (yaw/pitch from the 68 landmarks).
 */
import type { ChallengeAction } from '../../src/shared/challenge';

export interface Person {
  name: string;
  /** Live footage and the span (s) the enrolment stills come from. */
  file: string;
  start: number;
}

export interface Presentation {
  name: string;
  file: string;
  /** Who the door should take this for (enrolled); null: nobody enrolled is shown. */
  person: string;
  start: number;
  seconds: number;
  /** ffmpeg filters that make a synthetic attack (applied at bench time, never stored). */
  synth?: string;
  species: string;
}

export interface ActionClip extends Presentation {
  actions: ChallengeAction[];
  mirror?: boolean;
}

const EXT = 'spoof_ext/videos';
const TRAN = `${EXT}/tranvanluyt2203+face_anti_spoofing`;
const AKSHAY = `${EXT}/AKshayhere1018+Crypto-FaceLogin`;
const KRZ = `${EXT}/Krzysiek354+Python_Face_Detection/live/videos__real.mp4`;

export const PEOPLE: Person[] = [
  { name: 'apfol', file: 'spoof/videos/apfol_real.webm', start: 4 },
  { name: 'zubair', file: 'spoof/videos/zubair_real.mov', start: 4 },
  { name: 'tran', file: `${TRAN}/live/videos__real.mp4`, start: 18.5 },
  {
    name: 'akshay',
    file: `${AKSHAY}/live/face_recognition_and_liveness__face_liveness_detection__videos__real_1.mp4`,
    start: 1,
  },
  { name: 'krz', file: KRZ, start: 7.2 },
  {
    name: 'jomariya',
    file: `${EXT}/jomariya23156+face-recognition-with-liveness-web-login/live/face_recognition_and_liveness__face_liveness_detection__videos__real_1.mp4`,
    start: 12.5,
  },
  {
    name: 'thearvindk',
    file: `${EXT}/thearvindk+Payment-Fraud-Prevention-using-TDES-and-Multi-Factor-Facial-Authentication/live/face_recognition_and_liveness__face_liveness_detection__videos__real.mp4`,
    start: 7.4,
  },
  {
    name: 'saikan',
    file: `${EXT}/saikan45+Liveness_Face_Detection_Home_Security_System/live/output.mp4`,
    start: 1,
  },
  ...['d6', 'd10', 'd11', 'd12', 'd13', 'd18', 'd19', 'd20'].map((d) => ({
    name: d,
    file: `video/liveportrait_${d}.mp4`,
    start: 4,
  })),
];

const live = (person: string, start = 0, seconds = 10): Presentation => {
  const p = PEOPLE.find((x) => x.name === person);
  if (!p) throw new Error(`no person ${person}`);
  return { name: person, file: p.file, person, start, seconds, species: 'bona_fide' };
};

/** Every live video (the stage clip of several people is not a door presentation). */
export const LIVE: Presentation[] = [
  ...PEOPLE.map((p) => live(p.name)),
  {
    ...live('saikan'),
    name: 'saikan-2',
    file: `${EXT}/saikan45+Liveness_Face_Detection_Home_Security_System/live/videoes__25122019204358.mp4`,
  },
];

/** A photo held in front of the camera: still, with sensor noise (not bit-identical frames). */
const STILL = 'loop=-1:size=1:start=0,noise=alls=4:allf=t';
/** The same photo swayed by hand: small rotation and drift. */
const SWAYED = `${STILL},rotate=0.05*sin(2*PI*t/1.7):fillcolor=black,crop=iw*0.94:ih*0.94:iw*0.03+iw*0.02*sin(2*PI*t/2.3):ih*0.03`;

export const ATTACKS: Presentation[] = [
  {
    name: 'apfol_replay',
    file: 'spoof/videos/apfol_replay.webm',
    person: 'apfol',
    start: 0,
    seconds: 10,
    species: 'replay_screen',
  },
  // Its first ~1.7 s show the real person beside the phone.
  {
    name: 'zubair_replay',
    file: 'spoof/videos/zubair_replay.mp4',
    person: 'zubair',
    start: 2,
    seconds: 8,
    species: 'replay_phone',
  },
  {
    name: 'tran_fake',
    file: `${TRAN}/attack/videos__fake.mp4`,
    person: 'tran',
    start: 0,
    seconds: 10,
    species: 'replay_monitor',
  },
  {
    name: 'akshay_fake',
    file: `${AKSHAY}/attack/face_recognition_and_liveness__face_liveness_detection__videos__fake_1.mp4`,
    person: 'akshay',
    start: 0,
    seconds: 10,
    species: 'replay_phone',
  },
  ...(['apfol', 'zubair', 'tran', 'd13'] as const).flatMap((who) => {
    const p = PEOPLE.find((x) => x.name === who)!;
    const at = who === 'tran' ? 19 : 5;
    return [
      {
        name: `${who}_photo_still`,
        file: p.file,
        person: who,
        start: at,
        seconds: 10,
        synth: STILL,
        species: 'photo_still (synthetic)',
      },
      {
        name: `${who}_photo_swayed`,
        file: p.file,
        person: who,
        start: at,
        seconds: 10,
        synth: SWAYED,
        species: 'photo_swayed (synthetic)',
      },
    ];
  }),
];

/** Footage that faces the camera and then performs the action: the door starts at `start`. */
export const ACTION_CLIPS: ActionClip[] = [
  { ...live('tran', 0.9, 6), name: 'tran turn_left', actions: ['turn_left'] },
  { ...live('tran', 6.2, 6), name: 'tran turn_right', actions: ['turn_right'] },
  {
    ...live('tran', 0.9, 6),
    name: 'tran mirrored turn_right',
    actions: ['turn_right'],
    mirror: true,
  },
  {
    ...live('tran', 6.2, 6),
    name: 'tran mirrored turn_left',
    actions: ['turn_left'],
    mirror: true,
  },
  { ...live('krz', 1.5, 6), name: 'krz turn_left', actions: ['turn_left'] },
  {
    ...live('krz', 1.5, 6),
    name: 'krz turn_left + turn_right',
    actions: ['turn_left', 'turn_right'],
  },
  {
    ...live('krz', 1.5, 6),
    name: 'krz mirrored turn_right',
    actions: ['turn_right'],
    mirror: true,
  },
  { ...live('akshay', 3.2, 6), name: 'akshay turn_left', actions: ['turn_left'] },
  { ...live('d6', 11.8, 5), name: 'd6 blink_twice', actions: ['blink_twice'] },
];
