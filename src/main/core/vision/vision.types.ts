/** Shared shapes of the face pipeline. Plain data, no native types, so every host can use them. */

/** 8-bit RGB, interleaved, row-major: data.length === width * height * 3. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Point = readonly [number, number];

/** Axis-aligned face box in source-image pixels, with detector confidence 0..1. */
export interface FaceBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

/**
 * The five alignment points in ArcFace order:
 * left eye, right eye, nose tip, left mouth corner, right mouth corner
 * ("left" = image left, i.e. the subject's right).
 */
export type FivePoints = readonly [Point, Point, Point, Point, Point];

export interface FaceAnalysis {
  box: FaceBox;
  /** 68-point landmarks (iBUG order) from fr_landmark.onnx, source-image pixels. */
  landmarks68: Point[];
  five: FivePoints;
  /** L2-normalised embedding (512-d for fr_feature.onnx). */
  embedding: Float32Array;
  /** Inter-ocular distance in source pixels: the size measure quality gates use. */
  interEyePx: number;
}
