import net from 'node:net';

/**
 * True when something accepts TCP connections on host:port. Used to reuse a service that is
 * already running (a previous `npm start`, a developer's own server) instead of failing to bind.
 */
export function isPortListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
