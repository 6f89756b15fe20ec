import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  encodeFrame,
  RemotingCommand,
  RemotingTimeoutError,
  RequestCode,
  ResponseCode,
  SerializeType,
} from '@rocketnest/protocol';
import { AttributeKey, REJECT_REQUEST_REMARK, RemotingConnection, RemotingServer } from '@rocketnest/remoting';
import { Resources } from './support/fixtures.js';
import { RawPeer } from './support/raw-socket.js';
import { RecordingLogger } from './support/recording-logger.js';
import { waitFor } from './support/wait-for.js';

const ECHO = RequestCode.GET_ROUTEINFO_BY_TOPIC;
const SLOW = RequestCode.PULL_MESSAGE;
const THROWS = 200;
const BUSY = 201;
const CLIENT_ID = new AttributeKey<string>('clientID');

function echo(request: RemotingCommand): RemotingCommand {
  return createResponse(request, 0, { extFields: request.extFields, body: request.body });
}

describe('RemotingServer', { timeout: 10_000 }, () => {
  const resources = new Resources();
  afterEach(() => resources.closeAll(), 10_000);

  it.each([
    ['JSON', SerializeType.JSON],
    ['ROCKETMQ', SerializeType.ROCKETMQ],
  ])('answers a request in its own serialization (%s)', async (_name, serializeType) => {
    const { addr } = await resources.server({}, (server) => server.registerProcessor(ECHO, echo));
    const client = resources.client();
    const body = Buffer.from('hello body');
    const response = await client.invoke(
      addr,
      createRequest(ECHO, { serializeType, extFields: { topic: 'TopicTest', queueId: '3' }, body }),
    );
    expect(response.code).toBe(0);
    expect(response.serializeType).toBe(serializeType);
    expect(response.extFields).toEqual({ topic: 'TopicTest', queueId: '3' });
    expect(response.body?.equals(body)).toBe(true);
  });

  it('correlates 10,000 concurrent requests answered out of order', async () => {
    const { addr } = await resources.server({}, (server) =>
      server.registerProcessor(ECHO, (request) => {
        // Every other request answers a macrotask later, so responses interleave.
        if (Number(request.extFields?.i) % 2 === 0) return echo(request);
        return new Promise((resolve) => setImmediate(() => resolve(echo(request))));
      }),
    );
    const client = resources.client();
    const calls: Array<Promise<RemotingCommand>> = [];
    for (let i = 0; i < 10_000; i++) {
      calls.push(client.invoke(addr, createRequest(ECHO, { extFields: { i: String(i) } }), 20_000));
    }
    const responses = await Promise.all(calls);
    responses.forEach((response, i) => expect(response.extFields?.i).toBe(String(i)));
    expect(client.findConnection(addr)?.pendingCount).toBe(0);
  });

  it('answers an unknown code with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const { addr } = await resources.server();
    const client = resources.client();
    const response = await client.invoke(addr, createRequest(9999));
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(response.remark).toBe(' request type 9999 not supported');
  });

  it('sends unknown codes to the default processor when one is registered', async () => {
    const { addr } = await resources.server({}, (server) =>
      server.registerDefaultProcessor((request) => createResponse(request, 0, { remark: `default ${request.code}` })),
    );
    const response = await resources.client().invoke(addr, createRequest(9999));
    expect(response.remark).toBe('default 9999');
  });

  it('turns a throwing processor into SYSTEM_ERROR and keeps serving', async () => {
    const logger = new RecordingLogger();
    const { addr } = await resources.server({ logger }, (server) => {
      server.registerProcessor(THROWS, (request) => {
        if (request.extFields?.async === 'true') return Promise.reject(new Error('async failure'));
        throw new Error('store exploded');
      });
      server.registerProcessor(ECHO, echo);
    });
    const client = resources.client();
    const sync = await client.invoke(addr, createRequest(THROWS));
    expect(sync.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(sync.remark).toBe('store exploded');
    const async = await client.invoke(addr, createRequest(THROWS, { extFields: { async: 'true' } }));
    expect(async.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(async.remark).toBe('async failure');
    expect((await client.invoke(addr, createRequest(ECHO))).code).toBe(0);
    expect(logger.count('request processor failed', 'warn')).toBe(2);
  });

  it('answers SYSTEM_BUSY when the processor rejects the request', async () => {
    let busy = true;
    const { addr } = await resources.server({}, (server) =>
      server.registerProcessor(BUSY, { rejectRequest: () => busy, processRequest: echo }),
    );
    const client = resources.client();
    const rejected = await client.invoke(addr, createRequest(BUSY));
    expect(rejected.code).toBe(ResponseCode.SYSTEM_BUSY);
    expect(rejected.remark).toBe(REJECT_REQUEST_REMARK);
    busy = false;
    expect((await client.invoke(addr, createRequest(BUSY))).code).toBe(0);
  });

  it('never answers a oneway request, not even with an error', async () => {
    const seen: number[] = [];
    const { server } = await resources.server({}, (s) => {
      s.registerProcessor(ECHO, (request) => {
        seen.push(request.code);
        return echo(request);
      });
      s.registerProcessor(THROWS, () => {
        throw new Error('oneway failure');
      });
      s.registerProcessor(BUSY, { rejectRequest: () => true, processRequest: echo });
    });
    const peer = await RawPeer.connect(server.address?.port ?? 0);
    resources.add(async () => peer.destroy());
    const oneways = [ECHO, THROWS, BUSY, 9999].map((code) => createRequest(code, { oneway: true }));
    const probe = createRequest(ECHO);
    // One connection answers in order, so if any oneway drew a response it would arrive before the probe's.
    peer.write(Buffer.concat([...oneways.map(encodeFrame), encodeFrame(probe)]));
    await waitFor(() => peer.received.length > 0, 5000, 'the probe response');
    expect(peer.received[0].opaque).toBe(probe.opaque);
    expect(seen).toEqual([ECHO, ECHO]);
  });

  it('lets a processor return null and reply later through its connection (long polling)', async () => {
    const parked: Array<{ request: RemotingCommand; ctx: RemotingConnection }> = [];
    const { addr } = await resources.server({}, (server) =>
      server.registerProcessor(SLOW, (request, ctx) => {
        parked.push({ request, ctx });
        return null;
      }),
    );
    const client = resources.client();
    const pull = client.invoke(addr, createRequest(SLOW, { extFields: { queueId: '1' } }), 10_000);
    await waitFor(() => parked.length === 1, 5000, 'the parked pull');
    const { request, ctx } = parked[0];
    expect(ctx.writeResponse(request, createResponse(request, 19, { remark: 'no new message' }))).toBe(true);
    const response = await pull;
    expect(response.code).toBe(19);
    expect(response.opaque).toBe(request.opaque);
  });

  it('times a call out and drops the late response with a debug log', async () => {
    const clientLogger = new RecordingLogger();
    const parked: Array<{ request: RemotingCommand; ctx: RemotingConnection }> = [];
    const { addr } = await resources.server({}, (server) =>
      server.registerProcessor(SLOW, (request, ctx) => {
        parked.push({ request, ctx });
        return null;
      }),
    );
    const client = resources.client({ logger: clientLogger });
    await expect(client.invoke(addr, createRequest(SLOW), 100)).rejects.toBeInstanceOf(RemotingTimeoutError);
    expect(client.findConnection(addr)?.pendingCount).toBe(0);
    const { request, ctx } = parked[0];
    ctx.writeResponse(request, createResponse(request, 0));
    await waitFor(() => clientLogger.count('late response dropped', 'debug') === 1, 5000, 'the late-response log');
  });

  it('reports connects and disconnects, with per-connection attributes', async () => {
    const events: string[] = [];
    const { server, addr } = await resources.server({}, (s) =>
      s.registerProcessor(ECHO, (request, ctx) => {
        ctx.setAttribute(CLIENT_ID, request.extFields?.clientID ?? '');
        return echo(request);
      }),
    );
    server.on('connect', (connection) => events.push(`connect ${connection.id}`));
    server.on('disconnect', (connection) => events.push(`disconnect ${connection.getAttribute(CLIENT_ID)}`));
    const client = resources.client();
    await client.invoke(addr, createRequest(ECHO, { extFields: { clientID: 'client-1' } }));
    expect(server.connections.size).toBe(1);
    await client.closeConnection(addr);
    await waitFor(() => events.length === 2, 5000, 'the disconnect event');
    expect(events[1]).toBe('disconnect client-1');
    expect(server.connections.size).toBe(0);
  });

  it('waits for running processors on close and still delivers their responses', async () => {
    let release: () => void = () => undefined;
    const started: RemotingCommand[] = [];
    const { server, addr } = await resources.server({ closeGraceMs: 5000 }, (s) =>
      s.registerProcessor(SLOW, (request) => {
        started.push(request);
        return new Promise<RemotingCommand>((resolve) => {
          release = () => resolve(createResponse(request, 0, { remark: 'finished' }));
        });
      }),
    );
    const client = resources.client();
    const call = client.invoke(addr, createRequest(SLOW), 10_000);
    await waitFor(() => started.length === 1, 5000, 'the processor to start');
    const closing = server.close();
    expect(server.inFlightCount).toBe(1);
    release();
    expect((await call).remark).toBe('finished');
    await closing;
  });

  it('fails listen() clearly when the port is taken', async () => {
    const { server } = await resources.server();
    const second = new RemotingServer({ host: '127.0.0.1', port: server.address?.port ?? 0 });
    await expect(second.listen()).rejects.toThrow(/cannot listen/);
    await second.close();
  });
});
