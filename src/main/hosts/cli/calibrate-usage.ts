/** Options, help text and usage errors of `station calibrate` (the command: calibrate-command.ts). */

export const CALIBRATE_OPTIONS = {
  enrolled: { type: 'boolean', default: false },
  folder: { type: 'string' },
  'adopt-identify': { type: 'string' },
  'adopt-verify': { type: 'string' },
} as const;

export const CALIBRATE_USAGE = `  calibrate --pairs CSV [--groups CSV] | --enrolled | --folder DIR
            [--target-fmr F] [--json | --csv]
            [--adopt-identify T] [--adopt-verify T]
                                         ROC/DET, AUC, EER and thresholds for target false-match
                                         rates from labelled pairs (img1,img2,same), from the
                                         enrolled templates across people, or from a folder with
                                         one sub-folder of photos per identity (with open-set
                                         FPIR/FNIR for the last two); --csv prints one table
                                         (section,name,value,threshold,fmr,...); changes no
                                         setting unless --adopt-* (enrolled/folder only:
                                         the admin view's audited adoption, same refusals)`;

/** Usage errors of `station calibrate`, before the station is opened (null = fine). */
export function checkCalibrateUsage(
  rest: string[],
  v: {
    pairs?: string | undefined;
    enrolled: boolean;
    folder?: string | undefined;
    groups?: string | undefined;
    json: boolean;
    csv: boolean;
    'adopt-identify'?: string | undefined;
    'adopt-verify'?: string | undefined;
  },
): string | null {
  const given = [
    v.pairs !== undefined && '--pairs',
    v.enrolled && '--enrolled',
    v.folder !== undefined && '--folder',
  ].filter((x): x is string => typeof x === 'string');
  if (given.length !== 1) {
    return (
      'calibrate needs exactly one source: --pairs CSV (columns img1,img2,same), --enrolled ' +
      `(the station's templates) or --folder DIR (one sub-folder per identity)` +
      (given.length > 1 ? `; got ${given.join(' and ')}` : '')
    );
  }
  if (v.pairs === '') return 'calibrate --pairs needs a CSV file';
  if (v.folder === '') return 'calibrate --folder needs a DIR';
  if (v.groups !== undefined && v.pairs === undefined) {
    return 'calibrate --groups works with --pairs only (it labels the images of the pairs CSV)';
  }
  if (v.json && v.csv) return 'calibrate takes --json or --csv, not both';
  for (const flag of ['adopt-identify', 'adopt-verify'] as const) {
    const text = v[flag];
    if (text === undefined) continue;
    if (v.pairs !== undefined) {
      return `calibrate --${flag} works with --enrolled or --folder (a run the station holds)`;
    }
    const t = Number(text);
    if (text.trim() === '' || !(t >= 0 && t <= 1)) {
      return `--${flag} must be a similarity threshold between 0 and 1, got "${text}"`;
    }
  }
  return rest.length ? 'calibrate takes no positional arguments' : null;
}
