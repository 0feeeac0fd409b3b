/**
 * The program an ONNX worker thread runs, and the messages it exchanges with the main thread.
 * A worker because onnxruntime-node runs `session.run` synchronously on the calling thread, which
 * would block HTTP, the next frame and the other network for ~10-45 ms per call. A source string
 * (`eval: true`) rather than a file because the same code runs under tsx, vitest and the bundles,
 * where a file entry would need its own build input and path; it stays tiny plain CommonJS, and
 * every check lives in the typed client (onnx-worker-session.ts).
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorInfo } from '../core/models/embedding-model-check';

/** workerData of an ONNX worker. */
export interface OnnxWorkerData {
  /** Absolute path of onnxruntime-node's entry, resolved in main (the worker has no module base). */
  ortPath: string;
  /** The hash-verified model bytes (copied into the worker). */
  model: Uint8Array;
  options: InferenceSession.SessionOptions;
}

/** Main -> worker: one inference on a float32 input (its buffer is transferred). */
export interface OnnxRunRequest {
  id: number;
  inputName: string;
  outputName: string;
  input: Float32Array;
  dims: readonly number[];
}

/** Worker -> main. */
export type OnnxWorkerMessage =
  /** The session's inputs and outputs as ONNX Runtime reads them from the graph. */
  | { kind: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[] }
  | { kind: 'load-failed'; message: string }
  | { kind: 'result'; id: number; output: Float32Array }
  | { kind: 'run-failed'; id: number; message: string };

/**
 * Loads the session, then answers run requests in arrival order (the session runs one at a
 * time on this thread). Outputs are copied into their own buffer so they can be transferred.
 */
export const ONNX_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const describe = (err) => (err && err.message) || String(err);
const info = (m) => ({ name: m.name, type: m.isTensor ? m.type : undefined, shape: m.isTensor ? [...m.shape] : [] });
let session = null;
ort.InferenceSession.create(workerData.model, workerData.options).then(
  (s) => {
    session = s;
    const inputs = s.inputMetadata.map(info);
    const outputs = s.outputMetadata.map(info);
    parentPort.postMessage({ kind: 'ready', inputs, outputs });
  },
  (err) => parentPort.postMessage({ kind: 'load-failed', message: describe(err) }),
);
parentPort.on('message', async (req) => {
  try {
    const feeds = { [req.inputName]: new ort.Tensor('float32', req.input, req.dims) };
    const out = await session.run(feeds);
    const tensor = out[req.outputName];
    if (!tensor || !(tensor.data instanceof Float32Array))
      throw new Error('output "' + req.outputName + '" is missing or not float32');
    const output = tensor.data.slice();
    parentPort.postMessage({ kind: 'result', id: req.id, output }, [output.buffer]);
  } catch (err) {
    parentPort.postMessage({ kind: 'run-failed', id: req.id, message: describe(err) });
  }
});
`;
