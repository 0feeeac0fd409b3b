import type { TargetView } from '../../../shared/calibration-contract';
import { csvField } from '../../core/audit/audit-csv';

/**
 * `station calibrate ... --csv`: one spreadsheet table whose `section` column (summary, target,
 * operating, grid) separates the parts; empty cells mean not available. Fields go through the audit
 * export's CSV-injection-safe csvField.
 */

export const CALIBRATION_CSV_COLUMNS = [
  'section',
  'name',
  'value',
  'threshold',
  'fmr',
  'fmr_ci_low',
  'fmr_ci_high',
  'fnmr',
  'fpir',
  'fnir',
  'supported',
  'note',
] as const;

type Column = (typeof CALIBRATION_CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | boolean | null>>;

export interface CsvPoint {
  threshold: number;
  fmr: number;
  fnmr: number;
  fpir?: number | null;
  fnir?: number | null;
}

export interface CalibrationCsvInput {
  summary: Record<string, string | number>;
  targets: readonly TargetView[];
  targetKey: (t: number) => string;
  operating: { name: string; point: CsvPoint; note?: string }[];
  grid: readonly CsvPoint[];
}

function line(row: Row): string {
  return `${CALIBRATION_CSV_COLUMNS.map((c) => {
    const v = row[c];
    return csvField(v === undefined || v === null ? null : typeof v === 'boolean' ? String(v) : v);
  }).join(',')}\r\n`;
}

function pointRow(section: string, name: string, p: CsvPoint): Row {
  return {
    section,
    name,
    threshold: p.threshold,
    fmr: p.fmr,
    fnmr: p.fnmr,
    fpir: p.fpir ?? null,
    fnir: p.fnir ?? null,
  };
}

export function calibrationCsv(input: CalibrationCsvInput): string {
  let csv = `${CALIBRATION_CSV_COLUMNS.join(',')}\r\n`;
  for (const [name, value] of Object.entries(input.summary)) {
    csv += line({ section: 'summary', name, value });
  }
  for (const t of input.targets) {
    csv += line({
      section: 'target',
      name: input.targetKey(t.targetFmr),
      threshold: t.threshold,
      fmr: t.fmr,
      fmr_ci_low: t.ci?.[0] ?? null,
      fmr_ci_high: t.ci?.[1] ?? null,
      fnmr: t.fnmr,
      supported: t.supported,
      note: t.reason ?? null,
    });
  }
  for (const o of input.operating) {
    csv += line({ ...pointRow('operating', o.name, o.point), note: o.note ?? null });
  }
  for (const g of input.grid) csv += line(pointRow('grid', '', g));
  return csv;
}
