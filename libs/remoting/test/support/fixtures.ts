import { RemotingClient, RemotingClientOptions, RemotingServer, RemotingServerOptions } from '@rocketnest/remoting';

/** Servers and clients a test opened, closed in afterEach whatever the test did. */
export class Resources {
  private readonly closers: Array<() => Promise<unknown>> = [];

  async server(
    options: RemotingServerOptions = {},
    setup?: (server: RemotingServer) => void,
  ): Promise<{ server: RemotingServer; addr: string }> {
    const server = new RemotingServer({ host: '127.0.0.1', port: 0, ...options });
    setup?.(server);
    this.closers.push(() => server.close());
    const { port } = await server.listen();
    return { server, addr: `127.0.0.1:${port}` };
  }

  client(options: RemotingClientOptions = {}): RemotingClient {
    const client = new RemotingClient(options);
    this.closers.push(() => client.shutdown());
    return client;
  }

  add(closer: () => Promise<unknown>): void {
    this.closers.push(closer);
  }

  async closeAll(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}
