/** Saves a run as bench/results/<timestamp>.json plus the SVG chart beside it (written to .tmp, then renamed). */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchReport } from './bench-report.js';
import { renderChart } from './results-chart.js';

export interface SavedResults {
  readonly json: string;
  readonly svg: string;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

export async function saveResults(report: BenchReport, dir: string): Promise<SavedResults> {
  await mkdir(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = path.join(dir, `${stamp}${report.options.quick ? '-quick' : ''}.json`);
  const svg = json.replace(/\.json$/, '.svg');
  await writeAtomically(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(svg, renderChart(report));
  return { json, svg };
}
