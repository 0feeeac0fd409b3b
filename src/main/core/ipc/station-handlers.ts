import { CONSENT_RECORDED_BY_UI } from '../enrollment/enrollment.service';
import type { Station } from '../station.service';
import type { Viewer } from '../audit/reviewer-views.service';
import type { CallerContext, Handlers } from './dispatch';
import { createSiteHandlers } from '../site/site-handlers';

/** Who changed the thresholds, in the audit row, when the admin view adopted them. */
const CALIBRATION_ADOPTED_BY_UI = 'admin (calibration view)';
/** Who acted, in the audit row, for an admin action at the door terminal. */
const DOOR_ADMIN_BY_UI = 'admin (door terminal)';

/** Who edited people or schedules, in the audit row (the channels are admin-only). */
const PEOPLE_CHANGED_BY_UI = 'admin (people view)';

/** The role looking at names, for the reveal audit row; 'open' while no passphrase is set. */
function viewer(station: Station, caller: CallerContext): Viewer {
  return station.operators.roleOf(caller.session) ?? 'open';
}

/** Binds every contract channel to the station. Payloads arrive here already validated. */
export function createStationHandlers(station: Station): Handlers {
  return {
    'station:status': () => Promise.resolve(station.status()),
    'people:list': () => Promise.resolve({ people: station.listPeople() }),
    'enroll:create': (req) =>
      station.enroll({
        name: req.name,
        consent: req.consent,
        recordedBy: CONSENT_RECORDED_BY_UI,
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
    'access:frame': (req) => station.processFrame(req),
    'audit:recent': (req) => Promise.resolve({ events: station.recentAudit(req.limit) }),
    'models:detector': (req) => Promise.resolve(station.detectorModel(req.variant)),
    // The schema already required confirm === true; the id must be exact (no name matching
    // here: erasing the wrong one of two people with one name cannot be undone).
    'people:erase': (req) => Promise.resolve(station.erasePerson(req.personId)),
    'audit:query': (req, caller) =>
      Promise.resolve(
        station.reviewer.query(
          req.filter,
          req.cursor,
          req.limit,
          req.reveal === true,
          viewer(station, caller),
        ),
      ),
    'audit:export': (req, caller) =>
      Promise.resolve(
        station.reviewer.exportChunk(
          req.filter,
          req.cursor,
          req.names === true,
          viewer(station, caller),
        ),
      ),
    'audit:since': (req, caller) =>
      Promise.resolve(station.reviewer.since(req, viewer(station, caller))),
    'audit:attendance': (req, caller) =>
      Promise.resolve(station.reviewer.attendance(req, viewer(station, caller))),
    'people:update': (req) =>
      Promise.resolve(station.peopleAdmin.update(req, PEOPLE_CHANGED_BY_UI)),
    'schedules:get': () => Promise.resolve(station.peopleAdmin.schedules()),
    'schedules:set': (req) =>
      Promise.resolve(station.peopleAdmin.setSchedules(req, PEOPLE_CHANGED_BY_UI)),
    'audit:detail': (req) => Promise.resolve(station.review.detail(req.id)),
    'audit:verify': () => Promise.resolve(station.verifyAuditChain()),
    'audit:doors': () =>
      Promise.resolve({ doors: station.review.doors(), current: { ...station.access.identity() } }),
    'camera:report': (req) => Promise.resolve(station.reportCamera(req.label)),
    'door:status': () => Promise.resolve(station.doorStatus()),
    'door:state': () => Promise.resolve(station.screen.current()),
    // The channel is admin-only (CHANNEL_ROLES): the operator is the admin role at the terminal.
    'door:admin': (req) => Promise.resolve(station.terminalAdmin.act(req, DOOR_ADMIN_BY_UI)),
    'auth:login': (req) => Promise.resolve(station.operators.login(req.role, req.passphrase)),
    'auth:logout': (_req, caller) =>
      Promise.resolve({ loggedOut: station.operators.logout(caller.session) }),
    authorize: (roles, session) => station.operators.authorize(roles, session),
    'enroll:check': (req) => station.checkCapture(req),
    'calibration:upload': (req) =>
      station.calibrationUploads.add(
        req.uploadId,
        req.photos.map((p) => ({
          identity: p.identity,
          fileName: p.fileName,
          bytes: Buffer.from(p.base64, 'base64'),
        })),
      ),
    'calibration:run': (req) => station.calibration.run(req),
    // The channel is admin-only (CHANNEL_ROLES), so the operator is the admin role.
    'calibration:adopt': (req) =>
      Promise.resolve(station.calibration.adopt(req, CALIBRATION_ADOPTED_BY_UI)),
    ...createSiteHandlers(station.site),
    'calibration:pad-run': (req) => Promise.resolve(station.padCalibration.run(req)),
    'calibration:pad-adopt': (req) =>
      Promise.resolve(station.padCalibration.adopt(req, CALIBRATION_ADOPTED_BY_UI)),
  };
}
