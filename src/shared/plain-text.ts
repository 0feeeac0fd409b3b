/**
 * Typed text is shown again on terminals and views, where control characters can forge output and
 * bidirectional overrides can make one name read as another, so these are refused where text enters
 * and escaped when stored text is printed. Zero-width joiners stay allowed: scripts and emoji need
 * them.
 */
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const CONTROL_CHARACTERS_GLOBAL = new RegExp(CONTROL_CHARACTERS.source, 'gu');

/** The longest argument the CLI accepts (a path: Linux's PATH_MAX). */
export const MAX_ARGUMENT_CHARS = 4096;

/** "U+001B" for the first control character in `text`, or null when there is none. */
export function controlCharacterIn(text: string): string | null {
  const m = CONTROL_CHARACTERS.exec(text);
  if (!m) return null;
  return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `text` is not acceptable as a `what` of at most `max` characters, or null when it is. */
export function plainTextProblem(what: string, text: string, max: number): string | null {
  if (text.length > max) {
    return `${what} is ${text.length} characters long; at most ${max}`;
  }
  const control = controlCharacterIn(text);
  return control === null
    ? null
    : `${what} contains a control character (${control}); only plain text is accepted`;
}

/**
 * Why the command line cannot be used, or null: onnxruntime's worker threads recurse over the
 * process command line and crash (SIGSEGV) past ~12k characters in one argument, so every host
 * refuses a longer argument before any model loads.
 */
export function longArgumentProblem(argv: readonly string[]): string | null {
  const long = argv.find((a) => a.length > MAX_ARGUMENT_CHARS);
  return long === undefined
    ? null
    : `an argument is ${long.length} characters long; at most ${MAX_ARGUMENT_CHARS}`;
}

/**
 * `text` with every control character written as a visible escape (`\x1b`, `\u202e`), for
 * printing text stored before it was checked, or text from a device (a camera label).
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS_GLOBAL, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
