import type { BenchStack } from './stack';

/** What every benchmark gets from run-all: the shared stack, the size, a progress line. */
export interface BenchContext {
  stack: BenchStack;
  quick: boolean;
  /**
   * The size to use: `quick` with --quick, else `full`; times BENCH_SCALE when set (a knob for
   * developing the benchmarks themselves; a scaled run says so in its block).
   */
  size(full: number, quick: number): number;
  /** Progress to stderr (stdout carries only the result blocks). */
  progress(line: string): void;
}

export function benchScale(): number {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got "${process.env.BENCH_SCALE}"`);
  return scale;
}

export function sizer(quick: boolean, scale: number): (full: number, quickSize: number) => number {
  return (full, quickSize) => Math.max(1, Math.round((quick ? quickSize : full) * scale));
}
