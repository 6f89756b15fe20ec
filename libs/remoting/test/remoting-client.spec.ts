import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  isOneway,
  RemotingCommand,
  RemotingConnectError,
  RemotingTimeoutError,
  RequestCode,
  ResponseCode,
} from '@rocketnest/protocol';
import { RemotingConnection, RemotingServer } from '@rocketnest/remoting';
import { Resources } from './support/fixtures.js';
import { waitFor } from './support/wait-for.js';

const { CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED, PUSH_REPLY_MESSAGE_TO_CLIENT } = RequestCode;
const ECHO = RequestCode.GET_ROUTEINFO_BY_TOPIC;
const HOLD = RequestCode.PULL_MESSAGE;

function echo(request: RemotingCommand): RemotingCommand {
  return createResponse(request, 0, { extFields: request.extFields });
}

/** A port nobody listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RemotingClient', { timeout: 10_000 }, () => {
  const resources = new Resources();
  afterEach(() => resources.closeAll(), 10_000);

  it('answers requests the server initiates on its connection', async () => {
    const connected: RemotingConnection[] = [];
    const { server, addr } = await resources.server({}, (s) => s.registerProcessor(ECHO, echo));
    server.on('connect', (connection) => connected.push(connection));
    const client = resources.client();
    const notified: RemotingCommand[] = [];
    client.registerProcessor(CHECK_TRANSACTION_STATE, (request) =>
      createResponse(request, 0, { extFields: { state: 'COMMIT', msgId: request.extFields?.msgId ?? '' } }),
    );
    client.registerProcessor(NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      notified.push(request);
      return null;
    });
    await client.invoke(addr, createRequest(ECHO));
    expect(connected).toHaveLength(1);
    const ctx = connected[0];

    const response = await ctx.invoke(createRequest(CHECK_TRANSACTION_STATE, { extFields: { msgId: 'M1' } }), 3000);
    expect(response.extFields).toEqual({ state: 'COMMIT', msgId: 'M1' });

    await ctx.invokeOneway(createRequest(NOTIFY_CONSUMER_IDS_CHANGED, { extFields: { consumerGroup: 'G' } }));
    await waitFor(() => notified.length === 1, 5000, 'the oneway notification');
    expect(isOneway(notified[0])).toBe(true);

    const unknown = await ctx.invoke(createRequest(PUSH_REPLY_MESSAGE_TO_CLIENT), 3000);
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  it('shares one connect attempt between concurrent callers', async () => {
    let connects = 0;
    const { addr } = await resources.server({}, (s) => {
      s.registerProcessor(ECHO, echo);
      s.on('connect', () => connects++);
    });
    const client = resources.client();
    const calls = Array.from({ length: 50 }, () => client.invoke(addr, createRequest(ECHO)));
    await Promise.all(calls);
    expect(connects).toBe(1);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const first = await resources.server({}, (s) => s.registerProcessor(ECHO, echo));
    const port = first.server.address?.port ?? 0;
    const client = resources.client();
    const disconnected: string[] = [];
    client.on('disconnect', (addr) => disconnected.push(addr));
    expect((await client.invoke(first.addr, createRequest(ECHO))).code).toBe(0);

    await first.server.close();
    await waitFor(() => disconnected.length === 1, 5000, 'the client to see the close');
    expect(client.findConnection(first.addr)).toBeNull();

    const second = new RemotingServer({ host: '127.0.0.1', port });
    second.registerProcessor(ECHO, (request) => createResponse(request, 0, { remark: 'second' }));
    resources.add(() => second.close());
    await second.listen();
    expect((await client.invoke(first.addr, createRequest(ECHO))).remark).toBe('second');
  });

  it('fails pending calls at once when the server closes the connection', async () => {
    const held: RemotingConnection[] = [];
    const { addr } = await resources.server({}, (s) =>
      s.registerProcessor(HOLD, (_request, ctx) => {
        held.push(ctx);
        return null;
      }),
    );
    const client = resources.client();
    // Far longer than the test's own timeout: only the close can end these calls in time.
    const calls = Array.from({ length: 3 }, () => client.invoke(addr, createRequest(HOLD), 600_000));
    await waitFor(() => held.length === 3, 5000, 'the held requests');
    held[0].close();
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(RemotingConnectError);
  }, 5000);

  it('fails fast during the reconnect back-off, then connects once the server is up', async () => {
    const port = await freePort();
    const addr = `127.0.0.1:${port}`;
    const client = resources.client({ reconnectBackoffInitialMs: 500, reconnectBackoffMaxMs: 500 });
    await expect(client.invoke(addr, createRequest(ECHO))).rejects.toThrow(/cannot connect/);
    await expect(client.invoke(addr, createRequest(ECHO))).rejects.toThrow(/not reconnecting/);

    const server = new RemotingServer({ host: '127.0.0.1', port });
    server.registerProcessor(ECHO, echo);
    resources.add(() => server.close());
    await server.listen();
    let response: RemotingCommand | null = null;
    const deadline = Date.now() + 5000;
    while (response === null && Date.now() < deadline) {
      response = await client.invoke(addr, createRequest(ECHO)).catch((error: unknown) => {
        expect(error).toBeInstanceOf(RemotingConnectError);
        return null;
      });
      if (response === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(response?.code).toBe(0);
  });

  it('rejects a malformed address with RemotingConnectError', async () => {
    const client = resources.client();
    await expect(client.invoke('no-port-here', createRequest(ECHO))).rejects.toBeInstanceOf(RemotingConnectError);
  });

  it('fails pending and later calls on shutdown', async () => {
    const { addr } = await resources.server({}, (s) => s.registerProcessor(HOLD, () => null));
    const client = resources.client();
    const call = client.invoke(addr, createRequest(HOLD), 600_000);
    await waitFor(() => client.findConnection(addr)?.pendingCount === 1, 5000, 'the call to be sent');
    await client.shutdown();
    await expect(call).rejects.toBeInstanceOf(RemotingConnectError);
    await expect(client.invoke(addr, createRequest(ECHO))).rejects.toThrow(/shut down/);
  }, 5000);

  it('counts the connect time against the call timeout', async () => {
    const client = resources.client({ connectTimeoutMs: 10_000 });
    // 10.255.255.1 is not routed from a test box: the SYN goes unanswered (or fails fast offline).
    const error = await client.invoke('10.255.255.1:9876', createRequest(ECHO), 100).catch((e: unknown) => e);
    expect(error instanceof RemotingTimeoutError || error instanceof RemotingConnectError).toBe(true);
  }, 5000);
});
