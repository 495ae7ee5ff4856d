import type { BenchStack } from './stack';

/** What every benchmark gets from run-all: the shared stack, the size, a progress line. */
export interface BenchContext {
  stack: BenchStack;
  quick: boolean;
  /** Progress to stderr (stdout carries only the result blocks). */
  progress(line: string): void;
}
