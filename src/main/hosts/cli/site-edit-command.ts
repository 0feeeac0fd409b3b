import type { RequestOf } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';
import { sendJsonFile } from './read-input-file';
import type { SiteArgs } from './site-args';

const FORMS =
  'try: site person set NAME-or-ID ... | site schedule set|delete NAME | site group set|delete NAME | site door set --file JSON';

/** The shape of `site person|schedule|group|door ...` (the values are the contract's to check). */
export function checkSiteEditUsage(rest: string[], v: SiteArgs): string | null {
  const [what, verb, target, ...extra] = rest;
  if (extra.length > 0) return `unexpected arguments: ${extra.join(' ')}`;
  if (what === 'person') return verb === 'set' && target ? null : FORMS;
  if (what === 'door') {
    if (verb !== 'set' || target !== undefined) return FORMS;
    return v.file ? null : 'site door set needs --file JSON';
  }
  if (!target || (verb !== 'set' && verb !== 'delete')) return FORMS;
  return what === 'schedule' && verb === 'set' && !v.file
    ? 'site schedule set needs --file JSON'
    : null;
}

/**
 * The site's versioned writes from the command line: a person's employee id, groups and
 * schedule; schedules; groups; this door's settings. Each is one contract call on the version
 * this station holds (or --expect-version): a stale one is SITE_CONFLICT and changes nothing.
 */
export async function siteEditCommand(
  client: CliClient,
  out: Output,
  rest: string[],
  v: SiteArgs,
): Promise<number> {
  const [what, verb, target = ''] = rest;
  const expected = v['expect-version'];
  // A typo reaches the schema as NaN and is refused there, naming expectVersion.
  const expectVersion = expected === undefined ? {} : { expectVersion: Number(expected) };
  let written: { version: number };
  let text: (version: number) => string;
  if (what === 'person') {
    const person = await onePerson(client, target);
    written = await client.call('site:person-set', {
      personId: person.id,
      ...personEdit(v),
      ...expectVersion,
    });
    text = (n) => `${person.name} (${person.id}) is now at version ${n}.`;
  } else if (what === 'door') {
    const door = await sendJsonFile(v.file ?? '', 'JSON file', (settings) =>
      client.call('site:door-set', withFields(settings, expectVersion)),
    );
    written = door;
    text = (n) => `Door ${door.doorId}'s site settings are now at version ${n}.`;
  } else if (verb === 'delete') {
    const channel = what === 'schedule' ? 'site:schedule-delete' : 'site:group-delete';
    written = await client.call(channel, { name: target, ...expectVersion });
    text = () => `${what} ${target} deleted.`;
  } else {
    written =
      what === 'schedule'
        ? await sendJsonFile(v.file ?? '', 'JSON file', (windows) =>
            client.call('site:schedule-set', {
              name: target,
              windows: windows as RequestOf<'site:schedule-set'>['windows'],
              ...expectVersion,
            }),
          )
        : await client.call('site:group-set', {
            name: target,
            schedule: v.schedule?.trim() || null,
            ...expectVersion,
          });
    text = (n) => `${what} ${target} is now at version ${n}.`;
  }
  out.result({ version: written.version }, () => text(written.version));
  return EXIT.ok;
}

/** The file's object with the command line's fields; anything else goes as is, to be refused. */
function withFields(content: unknown, fields: object): RequestOf<'site:door-set'> {
  const isObject = typeof content === 'object' && content !== null && !Array.isArray(content);
  return (isObject ? { ...content, ...fields } : content) as RequestOf<'site:door-set'>;
}

/** Only the fields given; an empty --employee-id or --schedule clears it. */
function personEdit(v: SiteArgs) {
  return {
    ...(v['employee-id'] === undefined ? {} : { employeeId: v['employee-id'].trim() }),
    ...(v.groups === undefined
      ? {}
      : {
          groups: v.groups
            .split(',')
            .map((g) => g.trim())
            .filter((g) => g.length > 0),
        }),
    ...(v.schedule === undefined ? {} : { schedule: v.schedule.trim() }),
  };
}

/** Exactly one enrolled person by name or id; a shared name needs the id. */
async function onePerson(client: CliClient, nameOrId: string) {
  const { people } = await client.call('people:find', { nameOrId });
  const [one, ...more] = people;
  if (!one) throw new StationError('PERSON_NOT_FOUND', `No enrolled person matches "${nameOrId}"`);
  if (more.length > 0)
    throw new StationError(
      'BAD_REQUEST',
      `${people.length} people are called "${nameOrId}"; use the id.`,
    );
  return one;
}
