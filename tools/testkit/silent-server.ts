import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  /** `127.0.0.1:port` */
  address: string;
  /** Connections accepted so far: proves a client got past its TCP connect. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A TCP server that accepts every connection and never writes a byte: a hung broker, a frontend
 * behind a load balancer. What every network wait of the CLI must survive within its deadline.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
