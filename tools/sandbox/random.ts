/**
 * A seedable PRNG (mulberry32) so that fault injection can be replayed exactly: a test that
 * sets the seed sees the same sequence of 500s / timeouts on every run.
 */
export class Random {
  private state: number;

  constructor(seed: number = Date.now()) {
    this.state = seed >>> 0;
  }

  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0 never draws, so rules without a rate keep the sequence). */
  chance(rate: number | undefined): boolean {
    if (!rate || rate <= 0) return false;
    return this.next() < rate;
  }
}
