/**
 * CPU time per embedding of several ONNX recognisers on the same aligned faces, interleaved
 * round by round so a change of machine load hits all alike (the method of
 * bench/embedder-int8.ts). One session each, the station's session options, batch 1.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fillChwInput } from '../../src/main/adapters/chw-input';
import { SESSION_OPTIONS } from '../../src/main/adapters/onnx-session';
import type { EmbeddingManifest } from '../../src/main/core/models/embedding-manifest';
import type { RgbImage } from '../../src/main/core/vision/vision.types';

export interface CostedModel {
  name: string;
  bytes: Uint8Array;
  manifest: EmbeddingManifest;
}

export interface EmbeddingCost {
  name: string;
  cpuMs: number;
  wallP50Ms: number;
}

function feeds(m: EmbeddingManifest, faces: readonly RgbImage[]): Record<string, Tensor>[] {
  const { size, channelOrder, mean, std, name } = m.input;
  return faces.map((face) => {
    const x = new Float32Array(3 * size * size);
    fillChwInput(x, face, channelOrder, mean, 1 / std);
    return { [name ?? 'input']: new Tensor('float32', x, [1, 3, size, size]) };
  });
}

async function timed(s: InferenceSession, inputs: Record<string, Tensor>[], runs: number) {
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await s.run(inputs[i % inputs.length]!);
    walls.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / runs, walls };
}

export async function interleavedCost(
  models: readonly CostedModel[],
  faces: readonly RgbImage[],
  runs: number,
  rounds = 10,
): Promise<EmbeddingCost[]> {
  const sessions = await Promise.all(
    models.map((m) => InferenceSession.create(m.bytes, SESSION_OPTIONS)),
  );
  const inputs = models.map((m) => feeds(m.manifest, faces));
  for (const [i, s] of sessions.entries()) await timed(s, inputs[i]!, 20); // warm-up
  const totals = models.map(() => ({ cpu: 0, walls: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of sessions.entries()) {
      const { cpu, walls } = await timed(s, inputs[i]!, Math.ceil(runs / rounds));
      totals[i]!.cpu += cpu / rounds;
      totals[i]!.walls.push(...walls);
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  return models.map((m, i) => {
    const walls = totals[i]!.walls.sort((a, b) => a - b);
    return { name: m.name, cpuMs: totals[i]!.cpu, wallP50Ms: walls[Math.floor(walls.length / 2)]! };
  });
}
