import { LIMITS } from '../../../shared/limits';
import { longArgumentProblem, plainTextProblem } from '../../../shared/plain-text';

export interface TextArgs {
  name?: string | undefined;
  'add-to'?: string | undefined;
  person?: string | undefined;
  door?: string | undefined;
}

/**
 * Checks the arguments that are names or ids (stored, or matched against stored names) for
 * length and control characters, then every argument for length. Runs before anything native
 * loads: onnxruntime's worker threads recursed over a 20k-character command line until their
 * stack ran out (a segmentation fault), so a bad argument must stop the CLI before that.
 */
export function textArgumentProblem(
  command: string,
  rest: readonly string[],
  v: TextArgs,
  argv: readonly string[],
): string | null {
  const named: [string, string | undefined][] = [
    ['--name', v.name],
    ['--add-to', v['add-to']],
    ['--person', v.person],
    ['--door', v.door],
  ];
  if (command === 'people' && rest[0] === 'erase') named.push(['NAME-or-ID', rest[1]]);
  for (const [what, value] of named) {
    const problem =
      value === undefined ? null : plainTextProblem(what, value.trim(), LIMITS.maxNameLength);
    if (problem) return problem;
  }
  return longArgumentProblem(argv);
}
