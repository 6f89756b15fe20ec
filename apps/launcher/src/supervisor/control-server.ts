/**
 * The launcher's control API on 127.0.0.1 (what `npm run demo` drives):
 *   GET  /                          -> StackStatus: addresses, URLs, each process's state and pid
 *   POST /services/:name/stop       -> stops order or points (SIGTERM, waits for the exit)
 *   POST /services/:name/start      -> starts it again, answers once it is ready
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_NAMES, SampleStack, ServiceName } from './sample-stack.js';

export class ControlServer {
  private readonly server: Server;

  constructor(private readonly stack: SampleStack) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
      });
    });
  }

  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') return reply(response, 200, this.stack.status());
    const match = /^\/services\/([a-z]+)\/(start|stop)$/.exec(url.pathname);
    if (request.method !== 'POST' || match === null) return reply(response, 404, { error: 'not found' });
    const name = match[1] as ServiceName;
    if (!SERVICE_NAMES.includes(name))
      return reply(response, 404, { error: `no service ${name}; one of ${SERVICE_NAMES.join(', ')}` });
    if (match[2] === 'stop') {
      await this.stack.stopService(name);
    } else {
      const state = this.stack.process(name).state;
      if (state !== 'running') await this.stack.startService(name);
    }
    return reply(response, 200, this.stack.status());
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
