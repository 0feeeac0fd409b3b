import { StationError } from '../../../shared/errors';
import type { HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';
import { largestFace } from '../vision/face-choice';

const bytesOf = (image: { fileName: string; base64: string }) => ({
  fileName: image.fileName,
  bytes: Buffer.from(image.base64, 'base64'),
});

/** 1:N and 1:1 on photos (the CLI's identify, verify, calibrate --pairs); payloads validated. */
export function createRecognitionHandlers(
  station: Station,
): HandlersFor<'recognition:identify' | 'recognition:verify' | 'recognition:embed'> {
  return {
    'recognition:identify': async (req) => {
      const { bytes, fileName } = bytesOf(req.image);
      return { faces: await station.recognition.identify(bytes, fileName) };
    },
    'recognition:verify': (req) => station.recognition.verify(bytesOf(req.a), bytesOf(req.b)),
    // The largest face, as `station verify` compares.
    'recognition:embed': async (req) => {
      const { bytes, fileName } = bytesOf(req.image);
      const face = largestFace(await station.recognition.analyzeFile(bytes, fileName));
      if (!face) throw new StationError('NO_FACE', `No face found in ${fileName}.`);
      return { embedding: Array.from(face.embedding) };
    },
  };
}
