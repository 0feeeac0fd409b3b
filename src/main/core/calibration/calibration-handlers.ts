import { actorOf, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** Who changed the thresholds, in the audit row, when the admin view adopted them. */
const CALIBRATION_ADOPTED_BY_UI = 'admin (calibration view)';

type CalibrationChannel =
  | 'calibration:upload'
  | 'calibration:run'
  | 'calibration:adopt'
  | 'calibration:pad-run'
  | 'calibration:pad-adopt';

/** Threshold and liveness-band calibration (admin-only); payloads already validated. */
export function createCalibrationHandlers(station: Station): HandlersFor<CalibrationChannel> {
  return {
    'calibration:upload': (req) =>
      station.calibrationUploads.add(
        req.uploadId,
        req.photos.map((p) => ({
          identity: p.identity,
          fileName: p.fileName,
          bytes: Buffer.from(p.base64, 'base64'),
        })),
      ),
    'calibration:run': ({ targetFmr, ...source }) => station.calibration.run(source, { targetFmr }),
    'calibration:adopt': (req, caller) =>
      Promise.resolve(station.calibration.adopt(req, actorOf(caller, CALIBRATION_ADOPTED_BY_UI))),
    'calibration:pad-run': (req) => Promise.resolve(station.padCalibration.run(req)),
    'calibration:pad-adopt': (req, caller) =>
      Promise.resolve(
        station.padCalibration.adopt(req, actorOf(caller, CALIBRATION_ADOPTED_BY_UI)),
      ),
  };
}
