import type { BenchContext } from './context';
import type { BenchResult } from './report';
export async function benchP3(_ctx: BenchContext): Promise<BenchResult> { throw new Error('todo'); }
