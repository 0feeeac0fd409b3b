/**
 * What `station pad-eval` reports: the labelled presentations, their outcomes and the error
 * rates (core/liveness computes them, the CLI prints them; the `liveness:pad-eval` channel
 * carries them between the two).
 */

/** One row of the labels CSV (core/liveness/pad-labels-csv.ts reads it). */
export interface PadLabelRow {
  /** Line in the CSV (1 = header). */
  line: number;
  file: string;
  label: 'live' | 'attack';
  species: string;
  source: string;
}

/** The passive bands a presentation is judged with (core/liveness/passive-assessment.ts). */
export interface PassiveThresholds {
  /** Window score below which the face is a presentation attack. */
  spoofBelow: number;
  /** Window score at or above which the face is clearly live. */
  clearLiveMin: number;
  /** Where they come from: the weights file's defaults, or this station's camera calibration. */
  origin: 'model_default' | 'camera_calibration';
}

export interface PadEvalOutcome {
  row: PadLabelRow;
  kind: 'video' | 'image';
  /** The door's decision (video) or the single-frame passive verdict (image). */
  decision: 'live' | 'spoof' | 'inconclusive';
  /** Passive band and score that decided it (video: of the deciding window). */
  band: 'clear_live' | 'uncertain' | 'spoof';
  score: number | null;
  reasons: readonly string[];
  /** Frames read (video) or 1 (image). */
  frames: number;
}

export interface PadEvalSkip {
  row: PadLabelRow;
  reason: 'unreadable' | 'no_face';
  message: string;
}

export interface RateView {
  errors: number;
  total: number;
  rate: number | null;
  ci95: [number, number] | null;
}

export interface PadEvalSummary {
  apcer: (RateView & { species: string })[];
  bpcer: RateView;
  acer: { value: number | null; ci95: [number, number] | null; worstSpecies: string | null };
  sources: { source: string; live: number; attack: number; skipped: number }[];
  skipped: { file: string; line: number; reason: PadEvalSkip['reason']; message: string }[];
}

/** The `liveness:pad-eval` answer: every presentation's outcome or skip, and the rates. */
export interface PadEvalReport {
  /** The bands the presentations were judged with (given ones replace the stored for this run). */
  bands: PassiveThresholds;
  summary: PadEvalSummary;
  outcomes: PadEvalOutcome[];
  skipped: PadEvalSkip[];
}
