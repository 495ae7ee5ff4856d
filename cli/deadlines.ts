import type { ConnectionOptions } from '@temporalio/client';
import { connect } from 'node:net';

/**
 * Deadlines on the CLI's network waits (docs/contracts.md §4, `--timeout`). A server behind a
 * load balancer may accept a TCP connection and then never answer; without a deadline each
 * library waits on its own schedule (kafkajs retries for minutes, gRPC reconnects), so every
 * wait here has one and ends in an error that names what did not answer.
 */

export const DEFAULT_TIMEOUT_MS = 10_000;

/** `10 s`, `2.5 s`: how deadlines read in messages. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * `work()`, or `onTimeout`'s error when it has not settled within `ms`. `cleanup` runs on
 * timeout, so the abandoned work does not keep sockets open (and the process alive).
 */
export async function withinDeadline<T>(ms: number, work: () => Promise<T>, onTimeout: () => Error, cleanup?: () => unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      Promise.resolve().then(cleanup).catch(() => undefined);
      reject(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when a TCP connect to one of the `host:port` addresses succeeds within `ms`. */
export function anyReachable(addresses: readonly string[], ms: number): Promise<boolean> {
  return Promise.all(addresses.map((address) => new Promise<boolean>((done) => {
    const at = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) });
    socket.setTimeout(ms);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('timeout', () => { socket.destroy(); done(false); });
    socket.once('error', () => done(false));
  }))).then((answers) => answers.some(Boolean));
}

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * A gRPC interceptor that gives every Temporal call without a deadline of its own one `ms` from
 * its start. It sits before the SDK's retry interceptor, so retries share the same deadline.
 * Calls that set their own (`withDeadline`) keep it.
 */
export function callDeadline(ms: number): GrpcInterceptor {
  return (options, nextCall) => {
    const own = options.deadline;
    const unset = own === undefined || own === Infinity;
    // The next interceptor's call is a valid result (grpc-js chains them so); the SDK's type
    // asks for the InterceptingCall class only because it names no interface.
    return nextCall(unset ? { ...options, deadline: Date.now() + ms } : options) as ReturnType<GrpcInterceptor>;
  };
}

/**
 * grpc-js's words for a call the server reset (HTTP/2 RST_STREAM CANCEL). Temporal's gRPC server
 * (grpc-go) resets a call when its deadline passes, and when that reset arrives before the
 * client's own deadline timer fires — a busy client, a call waiting on a dead worker — grpc-js
 * reports CANCELLED with these words, not DEADLINE_EXCEEDED. A call the client itself cancels
 * reads "Cancelled on client".
 */
const SERVER_RESET = 'Call cancelled';
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;

/**
 * The call's deadline ran out: a gRPC DEADLINE_EXCEEDED anywhere in the cause chain, the server's
 * reset at that deadline (SERVER_RESET), or the SDK's update timeout.
 */
export function isTemporalDeadline(err: unknown): boolean {
  for (let e = err; e instanceof Error || (typeof e === 'object' && e !== null); e = (e as { cause?: unknown }).cause) {
    if ((e as { name?: unknown }).name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (code === DEADLINE_EXCEEDED && typeof details === 'string') return true;
    if (code === CANCELLED && details === SERVER_RESET) return true;
  }
  return false;
}

/** A kafkajs error, and whether it (or one it wraps) is a wait that ran out. */
export function kafkaFailure(err: unknown): { timedOut: boolean } | undefined {
  const name = (err as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !name.startsWith('KafkaJS')) return undefined;
  let timedOut = false;
  for (let e = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { name?: unknown }).name === 'KafkaJSRequestTimeoutError' || /timed? ?out/i.test(String((e as { message?: unknown }).message))) timedOut = true;
  }
  return { timedOut };
}
