import type { StationApi } from '../../../shared/api-methods';
import type {
  PadCalibrationAdoptView,
  PadCalibrationRunView,
} from '../../../shared/pad-calibration-contract';
// Not from pad-calibration-contract: a value import from there would bundle zod.
import { PAD_BPCER_TARGETS } from '../../../shared/limits';
import { describeError } from './messages';

export type PadPhase = 'idle' | 'running' | 'done' | 'failed';
export type PadAdoptPhase = 'idle' | 'adopting' | 'done' | 'failed';

/**
 * The liveness part of the Calibration view: the station's live scores on its own camera, the
 * bands proposed at the chosen BPCER, and the audited adoption. Every number comes from the
 * station; the view only chooses the camera and the target.
 */
export class PadCalibrationState {
  targetBpcer = $state<number>(0.1);
  camera = $state<string | null>(null);
  phase = $state<PadPhase>('idle');
  run = $state.raw<PadCalibrationRunView | null>(null);
  error = $state<string | null>(null);
  adoptPhase = $state<PadAdoptPhase>('idle');
  adopted = $state.raw<PadCalibrationAdoptView | null>(null);
  adoptError = $state<string | null>(null);

  readonly targets = PAD_BPCER_TARGETS;
  readonly canAdopt = $derived(
    this.run?.proposal != null && this.adoptPhase !== 'adopting' && this.phase === 'done',
  );

  constructor(private readonly api: StationApi) {}

  async start(): Promise<void> {
    this.phase = 'running';
    this.error = null;
    this.adoptPhase = 'idle';
    this.adopted = null;
    const response = await this.api.runPadCalibration({
      targetBpcer: this.targetBpcer,
      ...(this.camera ? { camera: this.camera } : {}),
    });
    if (!response.ok) {
      this.phase = 'failed';
      this.error = describeError(response.error);
      return;
    }
    this.run = response.value;
    this.camera = response.value.camera;
    this.phase = 'done';
  }

  async adopt(): Promise<void> {
    const run = this.run;
    if (!run?.proposal) return;
    this.adoptPhase = 'adopting';
    const response = await this.api.adoptPadCalibration({ runId: run.runId, confirm: true });
    if (!response.ok) {
      this.adoptPhase = 'failed';
      this.adoptError = describeError(response.error);
      return;
    }
    this.adopted = response.value;
    this.adoptPhase = 'done';
  }
}
