import type { AuditScores } from '../../../shared/audit-review';

type Scalar = string | number | boolean | null;

/**
 * Keys a decision row may carry in `details` (see DoorFrameService): margin / runnerUp, the
 * thresholds in force, and liveness components. Rows written before these were recorded simply
 * lack them, and the detail view shows what is there.
 */
const SCORE_KEYS = new Set(['margin', 'runnerUp', 'thresholds', 'liveness', 'scores']);
/** Shown with the event itself (AuditReviewEvent.door, from the generated column), not twice. */
const EVENT_KEYS = new Set(['door']);
/** Never shown even if some future row carried them: images and raw biometric data. */
const FORBIDDEN_KEY =
  /image|photo|jpe?g|png|webp|base64|pixel|rgba|crop|embedding|vector|template_?bytes/i;
const MAX_STRING = 200;
const MAX_FACTS = 40;

export interface ReadDetails {
  scores: AuditScores;
  facts: Record<string, Scalar>;
}

/**
 * Splits a row's `details` JSON into component scores and other scalar facts, for the review
 * detail panel. Defensive: details come from our own code but may be from an older version,
 * so anything unexpected is dropped rather than passed to the renderer.
 */
export function readAuditDetails(detailsJson: string, similarity: number | null): ReadDetails {
  const details = parseObject(detailsJson);
  // Newer rows may group their scores under `scores`; flat keys are the older form.
  const grouped = isObject(details.scores) ? details.scores : {};
  const pick = (key: string): unknown => grouped[key] ?? details[key];
  // -1 is the station's "nothing to compare" (no face analysed, nobody else enrolled), not a
  // score: shown as absent, and no margin is made up from it.
  const measured = measuredOrNull(similarity);
  const runnerUp = measuredOrNull(finiteOrNull(pick('runnerUp')));
  const margin =
    finiteOrNull(pick('margin')) ??
    (runnerUp !== null && measured !== null ? round4(measured - runnerUp) : null);
  const thresholds = numbersOf(pick('thresholds'));
  const liveness = flatten(pick('liveness'));
  const facts: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(details)) {
    if (Object.keys(facts).length >= MAX_FACTS) break;
    if (SCORE_KEYS.has(key) || EVENT_KEYS.has(key) || FORBIDDEN_KEY.test(key)) continue;
    const scalar = toScalar(value);
    if (scalar !== undefined) facts[key] = scalar;
  }
  return {
    scores: { similarity: measured, margin, runnerUp, thresholds, liveness },
    facts,
  };
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function measuredOrNull(x: number | null): number | null {
  return x !== null && x > -1 ? x : null;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function numbersOf(v: unknown): Record<string, number> | null {
  if (!isObject(v)) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = finiteOrNull(x);
    if (n !== null && !FORBIDDEN_KEY.test(k)) out[k] = n;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** Liveness parts, nested at most one level ({ components: { texture } } -> components.texture). */
function flatten(v: unknown): Record<string, number | string | boolean> | null {
  if (!isObject(v)) return null;
  const out: Record<string, number | string | boolean> = {};
  const add = (key: string, x: unknown): void => {
    if (FORBIDDEN_KEY.test(key)) return;
    const s = toScalar(x);
    if (s !== undefined && s !== null) out[key] = s;
  };
  for (const [k, x] of Object.entries(v)) {
    if (isObject(x)) for (const [k2, y] of Object.entries(x)) add(`${k}.${k2}`, y);
    else add(k, x);
  }
  return Object.keys(out).length > 0 ? out : null;
}

function toScalar(v: unknown): Scalar | undefined {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  return undefined;
}
