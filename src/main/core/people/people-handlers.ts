import { CONSENT_RECORDED_BY_UI } from '../enrollment/enrollment.service';
import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** Who edited people or schedules, in the audit row (the channels are admin-only). */
const PEOPLE_CHANGED_BY_UI = 'admin (people view)';

type PeopleChannel =
  | 'people:list'
  | 'people:find'
  | 'people:update'
  | 'people:erase'
  | 'schedules:get'
  | 'schedules:set'
  | 'enroll:create'
  | 'enroll:check';

/** People, their schedules and enrolment; payloads arrive here already validated. */
export function createPeopleHandlers(station: Station): HandlersFor<PeopleChannel> {
  return {
    'people:list': () => Promise.resolve({ people: station.directory.list() }),
    'people:find': (req) => Promise.resolve({ people: station.directory.find(req.nameOrId) }),
    'people:update': (req, caller) =>
      Promise.resolve(station.peopleAdmin.update(req, actorOf(caller, PEOPLE_CHANGED_BY_UI))),
    // The schema already required confirm === true; the id must be exact (no name matching
    // here: erasing the wrong one of two people with one name cannot be undone).
    'people:erase': (req) => Promise.resolve(station.eraser.erasePerson(req.personId)),
    'schedules:get': () => Promise.resolve(station.peopleAdmin.schedules()),
    'schedules:set': (req, caller) =>
      Promise.resolve(station.peopleAdmin.setSchedules(req, actorOf(caller, PEOPLE_CHANGED_BY_UI))),
    'enroll:create': (req, caller) =>
      station.intake.enroll({
        name: req.name,
        consent: req.consent,
        recordedBy: actorOf(caller, CONSENT_RECORDED_BY_UI),
        allowDuplicate: req.allowDuplicate,
        personId: req.personId,
        employeeId: req.employeeId,
        groups: req.groups,
        skipEnrolledEmployee: req.skipEnrolledEmployee,
        captureCamera: req.captureCamera,
        images: req.images.map((i) => ({
          fileName: i.fileName,
          bytes: Buffer.from(i.base64, 'base64'),
        })),
      }),
    'enroll:check': (req) => station.intake.checkCapture(req),
  };
}
