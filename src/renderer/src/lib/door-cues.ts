let audio: AudioContext | null = null;

/**
 * A short tone for a decision on screen (the site's optional cue): rising for granted, low
 * for denied. Generated, so no sound file ships; silent where the page may not play audio.
 */
export function playCue(granted: boolean): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = granted ? 880 : 220;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(audio.destination);
    const t0 = audio.currentTime;
    osc.start(t0);
    osc.stop(t0 + (granted ? 0.15 : 0.35));
  } catch {
    // No audio device or autoplay refused: the screen still says it.
  }
}
