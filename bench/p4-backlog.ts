import type { BenchContext } from './context';
import type { BenchResult } from './report';
export async function benchP4(_ctx: BenchContext): Promise<BenchResult> { throw new Error('todo'); }
