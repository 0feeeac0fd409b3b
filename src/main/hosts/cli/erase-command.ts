import { StationError } from '../../../shared/errors';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

/**
 * `station people erase NAME-or-ID`: GDPR erasure of exactly one person. A name shared by
 * several people is refused (erasing the wrong person cannot be undone): the id must be given.
 */
export async function eraseCommand(
  client: CliClient,
  out: Output,
  nameOrId: string,
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  const matches = (await client.call('people:find', { nameOrId })).people;
  const [person, ...others] = matches;
  if (!person)
    throw new StationError('PERSON_NOT_FOUND', `No enrolled person matches "${nameOrId}"`);
  if (others.length > 0) {
    const ids = matches.map((p) => `${p.id} (enrolled ${p.enrolledAt})`).join(', ');
    throw new StationError(
      'BAD_REQUEST',
      `${matches.length} people are named "${nameOrId}"; erase one by id: ${ids}`,
    );
  }
  const report = await client.call('people:erase', { personId: person.id, confirm: true });
  const value = {
    erased: report.erased,
    templates: report.templates,
    verified: report.verified,
    ...(report.verified ? {} : { problems: report.problems }),
  };
  out.result(value, () =>
    report.verified
      ? `Erased ${report.erased.name} (${report.erased.id}): ${report.templates} template(s) removed; verified: no match by search, no trace in any file of the data folder.`
      : `Erased ${report.erased.name} (${report.erased.id}): ${report.templates} template(s) removed, but verification FAILED.`,
  );
  if (report.verified) return EXIT.ok;
  err(
    `station: erasure of ${report.erased.id} could not be verified:\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`,
  );
  return EXIT.failed;
}
