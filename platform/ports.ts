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

/** Asks the OS for `count` distinct free ports (held open together so they differ, then released). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, host, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports in [low, high], tried in random order. For a service that cannot
 * take any port the OS hands out: Temporal stores its membership port in a PostgreSQL smallint,
 * so it must be below 32768, while Linux gives ephemeral ports from 32768 up.
 */
export async function freePortsInRange(count: number, low: number, high: number, host = '127.0.0.1'): Promise<number[]> {
  const found: number[] = [];
  for (let attempt = 0; found.length < count && attempt < 2_000; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (!found.includes(port) && (await canBind(port, host))) found.push(port);
  }
  if (found.length < count) throw new Error(`no ${count} free ports between ${low} and ${high} on ${host}`);
  return found;
}
