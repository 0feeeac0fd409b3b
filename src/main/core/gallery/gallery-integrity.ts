import { StationError } from '../../../shared/errors';
import type { TamperedTemplate, TemplateStore } from '../ports/template-store';
import { dot } from '../vision/embedding-math';

/** Where tampering was found: the audit row and the operator's report say so. */
export type TamperFoundBy = 'start' | 'rebuild' | 'match';

/**
 * Candidates whose stored template is checked against the database at every search: the best
 * person and the runner-up, the two that decide (threshold and margin rule). Each check reads
 * one row by id and opens its sealed blob (tens of microseconds).
 */
export const BOUND_CANDIDATES = 2;

/** A person's best match with the template that produced it. */
export interface CandidateMatch {
  personId: string;
  similarity: number;
  templateId: number;
}

/**
 * Binds the deciding candidates to the database as it is now: each one's template must still
 * be that person's row of this embedding space, and its sealed blob must open (its AAD binds id, person
 * and model). Their similarity is then recomputed from the opened vector, so a decision rests
 * on authenticated data alone, whatever the cached index holds. 'missing' when a row is gone
 * (another process erased it: the caller reloads).
 */
export function bindCandidates(
  templates: TemplateStore,
  space: string,
  query: Float32Array,
  candidates: readonly CandidateMatch[],
): { matches: CandidateMatch[] } | { tampered: TamperedTemplate } | 'missing' {
  const matches = candidates.map((c) => ({ ...c }));
  for (const m of matches.slice(0, BOUND_CANDIDATES)) {
    const opened = templates.openBound(m.templateId, { personId: m.personId, space });
    if (opened === null) return 'missing';
    if ('tampered' in opened) return opened;
    m.similarity = dot(query, opened.vector);
    opened.vector.fill(0);
  }
  matches.sort((a, b) => b.similarity - a.similarity);
  return { matches };
}

/** The error every search answers while tampered templates are known. */
export function tamperedError(tampered: readonly TamperedTemplate[]): StationError {
  const ids = tampered.map((t) => t.templateId);
  const people = new Set(tampered.map((t) => t.personId)).size;
  const shown = ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, ...` : ids.join(', ');
  return new StationError(
    'TEMPLATE_TAMPERED',
    `Recognition is stopped: ${ids.length} stored template(s) (${shown}) of ${people} ` +
      'enrolled person(s) no longer match their seal: the database was modified outside the ' +
      'station. Erase those people (or restore the database and its key from a backup), then ' +
      `run \`station gallery rebuild\`. First: ${tampered[0]?.reason ?? ''}`,
  );
}

/** True when both lists name the same templates (a repeated finding is not a new event). */
export function sameTampered(a: readonly TamperedTemplate[], b: readonly TamperedTemplate[]) {
  return a.length === b.length && a.every((t, i) => t.templateId === b[i]?.templateId);
}
