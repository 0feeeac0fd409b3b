import {
  calibrationContract,
  type CalibrationAdoptView,
  type CalibrationRunView,
  type CalibrationUploadView,
} from '../calibration-contract';
import {
  padCalibrationContract,
  type PadCalibrationAdoptView,
  type PadCalibrationRunView,
} from '../pad-calibration-contract';
import { defineChannels, returns } from './channel-entry';

/**
 * Admin calibration. It reads every template and changes the thresholds and liveness bands
 * the door decides by, so it is the admin's only.
 */
export const calibrationChannels = defineChannels({
  'calibration:upload': {
    request: calibrationContract['calibration:upload'],
    response: returns<CalibrationUploadView>(),
    roles: ['admin'],
    method: 'uploadCalibrationPhotos',
  },
  'calibration:run': {
    request: calibrationContract['calibration:run'],
    response: returns<CalibrationRunView>(),
    roles: ['admin'],
    method: 'runCalibration',
  },
  'calibration:adopt': {
    request: calibrationContract['calibration:adopt'],
    response: returns<CalibrationAdoptView>(),
    roles: ['admin'],
    method: 'adoptCalibration',
  },
  'calibration:pad-run': {
    request: padCalibrationContract['calibration:pad-run'],
    response: returns<PadCalibrationRunView>(),
    roles: ['admin'],
    method: 'runPadCalibration',
  },
  'calibration:pad-adopt': {
    request: padCalibrationContract['calibration:pad-adopt'],
    response: returns<PadCalibrationAdoptView>(),
    roles: ['admin'],
    method: 'adoptPadCalibration',
  },
});
