import type { ParsedRequestOf } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { checkedDoorSettings } from '../door/door-settings-handlers';
import type { HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';
import type { SiteStation } from './site-station';
import type { PersonEdit } from './site-sync.service';

type SiteEditChannel =
  | 'site:person-set'
  | 'site:schedule-set'
  | 'site:schedule-delete'
  | 'site:group-set'
  | 'site:group-delete'
  | 'site:door-set';

/**
 * The site's versioned directory writes (the CLI's `site person|schedule|group|door ...`):
 * each goes to the site on the version this station holds or the request's expectVersion, so
 * two admins editing one record get SITE_CONFLICT naming who changed it, and the second edit
 * changes nothing. Payloads are already validated by dispatch.
 */
export function createSiteEditHandlers(station: Station): HandlersFor<SiteEditChannel> {
  const sync = () => joinedSite(station).sync;
  const written = async (version: Promise<number>) => ({ version: await version });
  return {
    'site:person-set': (req) =>
      written(sync().editPerson(req.personId, personEdit(req), req.expectVersion)),
    'site:schedule-set': (req) =>
      written(sync().putAccess('schedule', req.name, req.windows, req.expectVersion)),
    'site:schedule-delete': (req) =>
      written(sync().putAccess('schedule', req.name, null, req.expectVersion)),
    'site:group-set': (req) =>
      written(sync().putAccess('group', req.name, { schedule: req.schedule }, req.expectVersion)),
    'site:group-delete': (req) =>
      written(sync().putAccess('group', req.name, null, req.expectVersion)),
    'site:door-set': async (req) => {
      const doorId = station.access.identity().id;
      const value = doorRecord(station, req);
      return { doorId, version: await sync().putAccess('door', doorId, value, req.expectVersion) };
    },
  };
}

/** Only the fields given: an absent one keeps its value on the site. */
function personEdit(req: ParsedRequestOf<'site:person-set'>): PersonEdit {
  const edit: PersonEdit = {};
  if (req.employeeId !== undefined) edit.employeeId = req.employeeId;
  if (req.groups !== undefined) edit.groups = req.groups;
  if (req.schedule !== undefined) edit.schedule = req.schedule;
  return edit;
}

function joinedSite(station: Station): SiteStation {
  if (!station.site) {
    throw new StationError(
      'SITE_NOT_JOINED',
      'This station has not joined a site (`station site join`).',
    );
  }
  return station.site;
}

/**
 * Validated against this station's current values before it goes to the site (an invalid
 * record would be refused by every station of the door). Policy fields stay partial (the
 * directory's schedules and groups are never the door's); liveness is stored whole.
 */
function doorRecord(station: Station, req: ParsedRequestOf<'site:door-set'>) {
  const { policy, liveness } = checkedDoorSettings(station, {
    policy: req.policy === undefined ? null : { ...station.access.policy(), ...req.policy },
    door: null,
    liveness: req.liveness === undefined ? null : { ...station.access.liveness(), ...req.liveness },
  });
  return {
    ...(req.policy && policy ? { policy: req.policy } : {}),
    ...(liveness ? { liveness } : {}),
  };
}
