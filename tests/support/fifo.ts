import { execFileSync } from 'node:child_process';

/** Creates a named pipe (Node has no mkfifo); stands in for a relay's character device. */
export function mkfifoSync(path: string): void {
  execFileSync('mkfifo', ['-m', '600', path]);
}
