import { createConnection, createServer, Server, Socket } from 'node:net';

// A TCP proxy in front of the database that a test can cut (every connection dropped, new ones
// refused: what clients see when the server stops) and restore on the same port, without touching
// the database server itself, which other tests share.
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  // The database "stops": open connections are reset, new ones refused.
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = new Promise<void>((resolve) =>
      server ? server.close(() => resolve()) : resolve(),
    );
    for (const socket of this.sockets) {
      socket.resetAndDestroy();
    }
    await closed;
  }

  // The database is back, on the same port.
  restore(): Promise<number> {
    return this.start();
  }

  stop(): Promise<void> {
    return this.cut();
  }
}
