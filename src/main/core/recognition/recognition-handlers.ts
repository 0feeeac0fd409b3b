import type { HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

const bytesOf = (image: { fileName: string; base64: string }) => ({
  fileName: image.fileName,
  bytes: Buffer.from(image.base64, 'base64'),
});

/** 1:N and 1:1 on photos (the CLI's identify and verify); payloads already validated. */
export function createRecognitionHandlers(
  station: Station,
): HandlersFor<'recognition:identify' | 'recognition:verify'> {
  return {
    'recognition:identify': async (req) => {
      const { bytes, fileName } = bytesOf(req.image);
      return { faces: await station.recognition.identify(bytes, fileName) };
    },
    'recognition:verify': (req) => station.recognition.verify(bytesOf(req.a), bytesOf(req.b)),
  };
}
