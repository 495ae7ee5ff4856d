import { reproduceCommand, type TargetId } from './args';

/** One benchmark's outcome: its figures and baseline side by side, a verdict, how to rerun. */
export interface BenchResult {
  target: TargetId;
  title: string;
  /** The requirement as docs/requirements.md §8 states it. */
  goal: string;
  /** Label → value, printed in order: the figure(s) first, then the baseline(s). */
  figures: Array<[string, string]>;
  /** REPORTED: a target without a numeric bar (P7), read from its figures. */
  verdict: 'PASS' | 'FAIL' | 'NOT MEASURED' | 'REPORTED';
  /** Why the verdict: the compared numbers. */
  because: string;
  notes?: string[];
}

export interface RunSize {
  quick: boolean;
  /** BENCH_SCALE, 1 when unset. */
  scale: number;
}

export function formatBlock(result: BenchResult, size: RunSize): string {
  const { quick, scale } = size;
  const reduced = [quick ? '--quick' : '', scale !== 1 ? `BENCH_SCALE=${scale}` : ''].filter(Boolean).join(', ');
  const rows: Array<[string, string]> = [
    ['target', result.goal],
    ...result.figures,
    ['verdict', `${result.verdict} — ${result.because}`],
    ['reproduce', `${scale !== 1 ? `BENCH_SCALE=${scale} ` : ''}${reproduceCommand(result.target, quick)}`],
    ...(reduced ? [['size', `${reduced}: smaller than the spec's sizes, see docs/benchmarks.md`] as [string, string]] : []),
    ...(result.notes ?? []).map((note): [string, string] => ['note', note]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const head = `── ${result.target.toUpperCase()} ${result.title} `;
  return [head.padEnd(96, '─'), ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

export function verdict(pass: boolean): 'PASS' | 'FAIL' {
  return pass ? 'PASS' : 'FAIL';
}
