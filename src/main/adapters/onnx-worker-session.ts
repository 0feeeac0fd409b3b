/**
 * An ONNX Runtime session that lives in its own worker thread (see onnx-worker-program.ts for
 * why). The main thread keeps the model checks (the bytes are hash-verified here, as for the
 * in-thread sessions) and every failure becomes a StationError('MODEL_FAILED') for the callers
 * waiting on it: a worker that dies never leaves a request hanging.
 */
import { Worker } from 'node:worker_threads';
import { StationError } from '../../shared/errors';
import { MODEL_CATALOG, type ModelName } from '../core/models/model-catalog';
import { loadVerifiedModel, sha256Hex } from '../core/models/model-verifier';
import {
  ONNX_WORKER_SOURCE,
  type OnnxRunRequest,
  type OnnxWorkerData,
  type OnnxWorkerMessage,
} from './onnx-worker-program';
import { workerRequirePath } from './native-paths';
import { SESSION_OPTIONS, modelIdOf } from './onnx-session';
import type { ModelInterface } from '../core/models/embedding-model-check';

interface Pending {
  resolve: (output: Float32Array) => void;
  reject: (err: StationError) => void;
}

export interface LoadedWorkerModel {
  session: OnnxWorkerSession;
  /** Same form as the in-thread sessions: 'fr_feature@87aacdfe5751'. */
  modelId: string;
}

/** Loads `<modelsDir>/<name>` after its SHA-256 check (MODEL_MISSING / MODEL_TAMPERED) into a worker. */
export async function loadModelWorker(
  modelsDir: string,
  name: ModelName,
): Promise<LoadedWorkerModel> {
  const bytes = loadVerifiedModel(modelsDir, name);
  const session = await OnnxWorkerSession.start(name, bytes);
  return { session, modelId: modelIdOf(name, MODEL_CATALOG[name].sha256) };
}

/** For tools that already hold the bytes (benchmarks, model comparisons); no pinned-hash check. */
export async function workerFromBytes(name: string, bytes: Uint8Array): Promise<LoadedWorkerModel> {
  const session = await OnnxWorkerSession.start(name, bytes);
  return { session, modelId: modelIdOf(name, sha256Hex(bytes)) };
}

export class OnnxWorkerSession {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  /** A model that failed to load fails the same way every time: never respawned. */
  private loadError: StationError | null = null;
  private closed = false;
  private io: ModelInterface | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(
    /** For messages, e.g. 'fr_feature.onnx'. */
    readonly name: string,
    private readonly model: Uint8Array,
  ) {}

  /** Starts the worker and waits until its session is loaded (MODEL_FAILED if it cannot be). */
  static async start(name: string, model: Uint8Array): Promise<OnnxWorkerSession> {
    const session = new OnnxWorkerSession(name, model);
    await session.started();
    return session;
  }

  /**
   * One inference. `input`'s buffer is transferred to the worker (it is detached here
   * afterwards), so pass a fresh array that owns its whole buffer.
   */
  async run(
    input: Float32Array,
    dims: readonly number[],
    inputName = 'input',
    outputName = 'output',
  ): Promise<Float32Array> {
    const worker = await this.started();
    // The worker may have died while we waited: its exit already settled the old requests.
    if (this.closed || worker !== this.worker)
      throw this.stoppedError(this.closed ? 'closed' : 'stopped before the request was sent');
    return new Promise<Float32Array>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a request is out (an idle worker does not: see idle()).
      worker.ref();
      const req: OnnxRunRequest = { id, inputName, outputName, input, dims };
      worker.postMessage(req, [input.buffer as ArrayBuffer]);
    });
  }

  /** Stops the worker; requests still waiting fail with MODEL_FAILED. Later runs fail too. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker) await worker.terminate();
  }

  /** The model's inputs and outputs (with their shapes), known once the session loaded. */
  get modelInterface(): ModelInterface {
    if (!this.io) throw this.stoppedError('not loaded yet');
    return this.io;
  }

  /**
   * The current thread, for tests that stop it the way a crash would (not via close()).
   * Null before start or after the thread ended.
   */
  get thread(): Worker | null {
    return this.worker;
  }

  private started(): Promise<Worker> {
    if (this.closed) return Promise.reject(this.stoppedError('closed'));
    if (this.loadError) return Promise.reject(this.loadError);
    // After a crash the next request starts a fresh thread: a door running all day recovers.
    this.starting ??= this.spawn();
    return this.starting;
  }

  private spawn(): Promise<Worker> {
    return new Promise<Worker>((resolve, reject) => {
      const workerData: OnnxWorkerData = {
        ortPath: workerRequirePath('onnxruntime-node'),
        model: this.model,
        options: SESSION_OPTIONS,
      };
      const worker = new Worker(ONNX_WORKER_SOURCE, { eval: true, workerData });
      this.worker = worker;
      let loaded = false;
      let crash: Error | undefined;
      worker.on('message', (msg: OnnxWorkerMessage) => {
        switch (msg.kind) {
          case 'ready':
            loaded = true;
            this.io = { inputs: msg.inputs, outputs: msg.outputs };
            this.idle(worker);
            resolve(worker);
            return;
          case 'load-failed':
            this.loadError = new StationError(
              'MODEL_FAILED',
              `${this.name} could not be loaded by ONNX Runtime: ${msg.message}`,
            );
            reject(this.loadError);
            void worker.terminate();
            return;
          case 'result':
            this.settle(worker, msg.id)?.resolve(msg.output);
            return;
          case 'run-failed':
            this.settle(worker, msg.id)?.reject(
              new StationError('MODEL_FAILED', `${this.name} inference failed: ${msg.message}`),
            );
            return;
        }
      });
      // An uncaught error in the worker; 'exit' follows and settles everything.
      worker.on('error', (err) => {
        crash = err;
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.worker = null;
          this.starting = null;
        }
        const why = this.closed
          ? 'closed'
          : `its worker thread stopped (exit code ${code}${crash ? `: ${crash.message}` : ''})`;
        const error = this.stoppedError(why, crash);
        if (!loaded) reject(this.loadError ?? error);
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
    });
  }

  private settle(worker: Worker, id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.idle(worker);
    return p;
  }

  /** An idle worker must not keep a finished CLI run or test process alive. */
  private idle(worker: Worker): void {
    worker.unref();
  }

  private stoppedError(why: string, cause?: unknown): StationError {
    return new StationError('MODEL_FAILED', `${this.name} is unavailable: ${why}.`, { cause });
  }
}
