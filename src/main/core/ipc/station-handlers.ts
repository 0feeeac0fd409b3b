import { CONSENT_RECORDED_BY_UI } from '../enrollment/enrollment.service';
import type { Station } from '../station.service';
import type { Handlers } from './dispatch';

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
        images: req.images.map((i) => ({
          fileName: i.fileName,
          bytes: Buffer.from(i.base64, 'base64'),
        })),
      }),
    'access:frame': (req) => station.processFrame(req),
    'audit:recent': (req) => Promise.resolve({ events: station.recentAudit(req.limit) }),
    'models:detector': (req) => Promise.resolve(station.detectorModel(req.variant)),
  };
}
