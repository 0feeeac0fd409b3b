import { hostname } from 'node:os';
import type { DoorFrameService } from '../core/access/door-frame.service';
import { DoorScreen } from '../core/access/door-screen';
import { DoorSessions } from '../core/access/door-sessions';
import { DoorTerminalAdmin } from '../core/access/door-terminal-admin';
import type { AuditRecorder } from '../core/audit/audit-recorder';
import { CalibrationUploads } from '../core/calibration/calibration-uploads';
import { PadCalibrationService } from '../core/calibration/pad-calibration.service';
import { StationCalibrationService } from '../core/calibration/station-calibration.service';
import { DoorSettingsAdmin } from '../core/door/door-settings-admin';
import type { RecognitionService } from '../core/recognition/recognition.service';
import { loadOrCreateKey } from '../core/util/key-file';
import type { Wiring } from './wiring';

/**
 * The door's part of a station's wiring: calibration, the terminal's sessions, screen and
 * lock, and the admin's door settings. Closures tie the parts that need each other late
 * (the lock tells the screen; the screen asks the door for its lockout).
 */
export function wireDoor(w: Wiring, audit: AuditRecorder, recognition: RecognitionService) {
  const { stores, parts, now, settings, access } = w;
  const tx = stores.unitOfWork;
  const doorId = () => access.identity().id;
  const calibrationUploads = new CalibrationUploads(parts.analyzer, parts.decode, () =>
    now().getTime(),
  );
  const calibration = new StationCalibrationService({
    templates: () => stores.templates.allForModel(parts.analyzer.embeddingSpace),
    people: () => stores.people.list(),
    dim: parts.analyzer.embeddingDim,
    uploads: calibrationUploads,
    thresholds: () => settings.thresholds(),
    scoring: () => recognition.scoring(),
    setThresholds: (next) => settings.setThresholds(next),
    setScoring: (next) => settings.setIdentifyScoring(next),
    audit: (details) => audit.recordSettings(details),
    transaction: (fn) => tx.transaction(fn),
  });
  const padCalibration = new PadCalibrationService({
    store: stores.padLiveScores,
    passive: () => parts.passive ?? null,
    liveness: () => access.liveness(),
    setLiveness: (next) => access.setLiveness(next),
    audit: (details) => audit.recordSettings({ ...details, door: doorId() }),
    transaction: (fn) => tx.transaction(fn),
    doorCamera: () => door.reportedCamera(),
    now,
  });
  const terminal = wireTerminal(w, audit, recognition, padCalibration);
  const door = terminal.door;
  return { services: { ...terminal, calibration, calibrationUploads, padCalibration } };
}

function wireTerminal(
  w: Wiring,
  audit: AuditRecorder,
  recognition: RecognitionService,
  padCalibration: PadCalibrationService,
) {
  const { parts, now, access } = w;
  const doors: DoorSessions = new DoorSessions({
    analyzer: parts.analyzer,
    passive: parts.passive ?? null,
    recognition,
    audit,
    settings: w.settings,
    access,
    people: w.stores.people,
    now,
    ...(parts.challengeChooser ? { challengeChooser: parts.challengeChooser } : {}),
    stationId: hostname(),
    webhookSecret: () => loadOrCreateKey(w.paths.doorWebhookKey),
    // The screen follows the lock (the status bar's "Door: open" ends when it re-locks).
    onLockChange: (status) => screen.doorChanged(status),
  });
  const screen: DoorScreen = new DoorScreen({
    now,
    door: () => doors.status(),
    display: () => access.terminalDisplay(),
    terminalLock: () => door.terminalLock(),
  });
  const door: DoorFrameService = doors.terminal(screen, (camera, p) =>
    padCalibration.recordLive('granted', camera, {
      padModel: p.score ?? Number.NaN,
      textureNet: p.textureNet ?? Number.NaN,
    }),
  );
  const terminalAdmin = new DoorTerminalAdmin({
    access,
    door,
    screen,
    audit,
    doorId: () => access.identity().id,
    onExternalChange: () => void doors.lock(),
  });
  const doorSettings = new DoorSettingsAdmin({
    access,
    audit,
    terminalAdmin,
    replaceLock: () => doors.replaceLock(),
  });
  return { doors, screen, door, terminalAdmin, doorSettings };
}
