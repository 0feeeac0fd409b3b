/** Asking for VGA: enough pixels for a face at door distance, cheap to detect and to send. */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
};

/** Opens the camera into `video` and starts playing it. */
export async function openCamera(video: HTMLVideoElement): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
  video.srcObject = stream;
  try {
    await video.play();
  } catch (err) {
    // play() rejects when the view is closed meanwhile: the caller never gets the stream, so
    // release it here or the camera stays on.
    closeCamera(stream, video);
    throw err;
  }
  return stream;
}

/** Stops every track (the camera light goes off) and detaches the stream from `video`. */
export function closeCamera(stream: MediaStream | null, video: HTMLVideoElement): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  video.srcObject = null;
}
