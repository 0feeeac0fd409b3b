import type { AuditKind } from './audit-review';
import type { DecisionReason, PersonRef } from './domain';
import type { LivenessSummary } from './door-contract';

/** One stored audit row, as the CLI's query lists it and its CSV export writes it. */
export interface AuditLogRow {
  id: number;
  at: string;
  kind: AuditKind;
  decision: DecisionReason | null;
  subject_hmac: string | null;
  similarity: number | null;
  details: string;
  prev_mac: string | null;
  mac: string | null;
  door: string | null;
  /** The replayed recording's file name; null for events at the station. */
  replay: string | null;
}

/** One page of the log in log (id) order: `station audit query|export`. */
export interface AuditLogPage {
  /** The people a person filter matched (the name the caller gave), else []. */
  people: PersonRef[];
  rows: AuditLogRow[];
  /** Pass as `afterId` for the next page; null after the last. */
  nextAfterId: number | null;
}

/** One audited decision of a replayed recording. */
export interface ReplayDecisionView {
  /** Seconds from the start of the video. */
  t: number;
  frame: number;
  decision: DecisionReason;
  person: string | null;
  similarity: number | null;
  liveness: LivenessSummary | null;
  /** This decision opened the (simulated) door. */
  unlocked: boolean;
  /** A repeated grant of a person who never left (docs/DOOR.md, "A person who stays"). */
  regrant: boolean;
  /** The audit row that records it. */
  auditRow: number;
}

/** `station access VIDEO`: the recording, its decisions and how often the door opened. */
export interface AccessReplayView {
  video: { file: string; width: number; height: number; fps: number; rotation: number };
  frames: number;
  decisions: ReplayDecisionView[];
  unlocks: number;
}

/** `station liveness VIDEO`: the first conclusive window's verdict and the scores behind it. */
export interface LivenessVideoView {
  verdict: 'live' | 'spoof' | 'inconclusive';
  score: number | null;
  components: { texture: number | null; motion: number | null; blink: number | null };
  /** The passive band (clear_live | uncertain | spoof) with the score and thresholds behind it. */
  passive: {
    band: 'spoof' | 'uncertain' | 'clear_live';
    score: number | null;
    spoofBelow: number;
    clearLiveMin: number;
    origin: string;
    textureNet: number | null;
  };
  frames: number;
  /** The fusion's reason codes (liveness-fusion.ts). */
  reasons: string[];
  raw: { motion: number | null; rigidMotion: number | null };
  video: { width: number; height: number; fps: number; rotation: number };
}
