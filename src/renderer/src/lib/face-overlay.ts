import type { DetectedFace } from './face-detector';
import type { Tone } from './messages';

const TONE_COLOURS: Record<Tone, string> = {
  neutral: '#f5f5f5',
  granted: '#22c55e',
  denied: '#ef4444',
  warning: '#f59e0b',
};

/** Draws face boxes and keypoints over the video; the canvas uses the video's pixel size. */
export function drawFaces(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  faces: readonly DetectedFace[],
  tone: Tone,
): void {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  ctx.lineWidth = Math.max(2, width / 240);
  ctx.strokeStyle = TONE_COLOURS[tone];
  ctx.fillStyle = TONE_COLOURS[tone];
  for (const { box, keypoints } of faces) {
    ctx.strokeRect(box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1);
    for (const [x, y] of keypoints) {
      ctx.beginPath();
      ctx.arc(x, y, ctx.lineWidth * 1.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}
