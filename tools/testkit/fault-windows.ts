/**
 * The fault test's latency rule (issue 18): no call may finish more than a minute later than
 * the faults it lived through lasted. A call "lived through" a fault when the fault's window
 * overlaps the span from its publication to its close.
 */
export interface FaultWindow {
  name: string;
  startedAt: number;
  endedAt: number;
}

export interface CallTiming {
  callId: string;
  publishedAt: number;
  closedAt: number;
}

export interface LatencyVerdict {
  callId: string;
  latencyMs: number;
  allowedMs: number;
  faults: string[];
}

/** Every call's latency against its allowance: slackMs plus the length of each fault it overlapped. */
export function judgeLatencies(calls: readonly CallTiming[], faults: readonly FaultWindow[], slackMs = 60_000): LatencyVerdict[] {
  return calls.map((call) => {
    const overlapped = faults.filter((f) => f.startedAt <= call.closedAt && f.endedAt >= call.publishedAt);
    const faultMs = overlapped.reduce((sum, f) => sum + (f.endedAt - f.startedAt), 0);
    return { callId: call.callId, latencyMs: call.closedAt - call.publishedAt, allowedMs: slackMs + faultMs, faults: overlapped.map((f) => f.name) };
  });
}

/** Per fault: how many calls overlapped it and the longest latency among them (the figures the test prints). */
export function latencyByFault(verdicts: readonly LatencyVerdict[], faults: readonly FaultWindow[]): Array<{ name: string; downMs: number; calls: number; maxLatencyMs: number }> {
  return faults.map((fault) => {
    const hit = verdicts.filter((v) => v.faults.includes(fault.name));
    return { name: fault.name, downMs: fault.endedAt - fault.startedAt, calls: hit.length, maxLatencyMs: Math.max(0, ...hit.map((v) => v.latencyMs)) };
  });
}
