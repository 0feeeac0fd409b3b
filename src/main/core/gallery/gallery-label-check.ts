import type { TemplateLabel } from '../ports/template-store';
import { REMOVED_LABEL } from './gallery-label-map';
import type { VectorIndex } from './vector-index';

/**
 * The person of each label of a saved index, or why the file does not fit the database: its
 * live labels must be exactly the database's templates of the model, each once, each of the
 * person the sealed map records for it, and its removed labels exactly the index's tombstones.
 * A file holding a template the database no longer has (an erasure whose index write was
 * lost) is refused and rebuilt; so is one whose persons differ from the rows' (a
 * `templates.person_id` changed in the file), so no face is ever answered with the wrong name.
 */
export function labelPersons(
  map: { labels: number[]; persons: (string | undefined)[] },
  index: VectorIndex,
  rows: TemplateLabel[],
): (string | undefined)[] | string {
  const { labels } = map;
  if (labels.length !== index.size)
    return `index has ${index.size} labels, its map ${labels.length}`;
  const removed = labels.filter((id) => id === REMOVED_LABEL).length;
  if (removed !== index.size - index.live) return 'index tombstones do not match its label map';
  if (index.live !== rows.length)
    return `index holds ${index.live} vectors, database ${rows.length}`;
  const inOrder = personsInIdOrder(map, rows);
  return inOrder === null ? personsByLookup(map, rows) : inOrder;
}

const notCovered = (id: number) =>
  `index seal does not cover the current rows: template ${id} belongs to another person in ` +
  'the database than in the sealed index';

/**
 * The usual case, without a 100k-entry Map and Set at every start (~0.2 s at 100k): a map
 * written by a rebuild lists the live templates in id order, as `rows` come (ORDER BY id).
 * Matching them one by one proves the same set, each once. Null when not in that order.
 */
function personsInIdOrder(
  map: { labels: number[]; persons: (string | undefined)[] },
  rows: TemplateLabel[],
): (string | undefined)[] | string | null {
  const { labels } = map;
  const persons: (string | undefined)[] = new Array<string | undefined>(labels.length);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    const id = labels[i];
    if (id === REMOVED_LABEL) {
      persons[i] = undefined; // every index set: no holes for forEach/map to skip
      continue;
    }
    const row = rows[next];
    if (row === undefined || row.id !== id) return null;
    if (row.personId !== map.persons[i]) return notCovered(id);
    persons[i] = row.personId;
    next++;
  }
  return next === rows.length ? persons : null;
}

function personsByLookup(
  map: { labels: number[]; persons: (string | undefined)[] },
  rows: TemplateLabel[],
): (string | undefined)[] | string {
  const personOf = new Map(rows.map((r) => [r.id, r.personId]));
  const seen = new Set<number>();
  const persons: (string | undefined)[] = [];
  for (const [i, id] of map.labels.entries()) {
    if (id === REMOVED_LABEL) {
      persons.push(undefined);
      continue;
    }
    const person = personOf.get(id);
    if (person === undefined) return `index holds template ${id}, which the database does not`;
    if (seen.has(id)) return `index holds template ${id} twice`;
    if (person !== map.persons[i]) return notCovered(id);
    seen.add(id);
    persons.push(person);
  }
  return persons;
}
