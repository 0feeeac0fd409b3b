/**
 * Frame times from ffmpeg's log: the `showinfo` filter logs one line per frame
 * (`n: 12 pts: ... pts_time:0.4`) on stderr while the frames themselves go to stdout. The two
 * pipes are read independently, so the reader asks for frame n's time and waits until that
 * line has arrived (or ffmpeg has ended).
 */

const FRAME_LINE =
  /\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] n:\s*(\d+) pts:\s*-?\d+ pts_time:(-?[\d.e+-]+)/;
const ERROR_LINE = /\[(error|fatal|panic)\] (.*)$/;

export class FrameTimes {
  private readonly times = new Map<number, number>();
  private readonly errors: string[] = [];
  private partial = '';
  private ended = false;
  private wake: (() => void) | null = null;

  /** A chunk of ffmpeg's stderr (run with `-loglevel level+info`). */
  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.parse(line);
    this.notify();
  }

  /** ffmpeg has exited: no more lines will come. */
  end(): void {
    if (this.partial) this.parse(this.partial);
    this.partial = '';
    this.ended = true;
    this.notify();
  }

  /** Milliseconds of frame n from the first frame; null when ffmpeg ended without saying. */
  async of(n: number): Promise<number | null> {
    for (;;) {
      const t = this.times.get(n);
      if (t !== undefined) {
        this.times.delete(n);
        return t;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The first error ffmpeg logged, for the message of an unreadable file. */
  firstError(): string | null {
    return this.errors[0] ?? null;
  }

  private parse(line: string): void {
    const frame = FRAME_LINE.exec(line);
    if (frame) {
      // Whole microseconds: pts_time is printed with 6 significant digits at most.
      this.times.set(Number(frame[1]), Math.round(Number(frame[2]) * 1e6) / 1e3);
      return;
    }
    const error = ERROR_LINE.exec(line);
    if (error?.[2] && this.errors.length < 5) this.errors.push(error[2].trim());
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
