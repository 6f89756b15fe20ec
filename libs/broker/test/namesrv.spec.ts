import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NameServer, NameServerOptions, RouteInfoManager } from '@rocketnest/broker';
import {
  createRequest,
  DataVersion,
  decodeClusterInfo,
  decodeDataVersion,
  decodeFrame,
  decodeKVTable,
  decodeTopicList,
  decodeTopicRouteData,
  encodeCompressedRegisterBrokerBody,
  encodeDataVersion,
  encodeRegisterBrokerBody,
  encodeTopicRouteData,
  ExtFields,
  maskedCrc32,
  MQVersion,
  newOpaque,
  Perm,
  REGISTER_BROKER_REQUEST_HEADER,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  TopicConfig,
  TopicSysFlag,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { waitFor } from './support/wait-for.js';

/** Appendix C of remoting-protocol.md: exact fastjson output of a Java NameServer. */
const APPENDIX_C_ROUTE_LEGACY =
  '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const APPENDIX_C_ROUTE_STANDARD =
  '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const APPENDIX_C_CLUSTER_INFO =
  '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';
const FIXTURES = new URL('../../../interop/fixtures/', import.meta.url);

function topic(topicName: string, queues = 4, perm = 6, topicSysFlag = 0): TopicConfig {
  return {
    topicName,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag,
    order: false,
  };
}

interface Registration {
  cluster?: string;
  name: string;
  id?: number;
  addr: string;
  ha?: string;
  topics?: TopicConfig[];
  dataVersion?: DataVersion;
  heartbeatTimeoutMillis?: number;
  /** zlib body; `header` false sends it with compressed=false (5.3.x quirk). */
  compressed?: 'header' | 'quirk';
  /** Overrides the computed CRC. */
  bodyCrc32?: number;
}

/** REGISTER_BROKER built from protocol encoders only (what a Java broker sends). */
function registerRequest(r: Registration): RemotingCommand {
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const config of r.topics ?? []) topicConfigTable[config.topicName] = config;
  const body = {
    topicConfigSerializeWrapper: { topicConfigTable, dataVersion: r.dataVersion ?? { timestamp: 1, counter: 1 } },
    filterServerList: [],
  };
  const bytes =
    r.compressed === undefined
      ? encodeRegisterBrokerBody(body, 'legacy')
      : encodeCompressedRegisterBrokerBody(body, MQVersion.V5_0_0);
  const extFields = REGISTER_BROKER_REQUEST_HEADER.encode({
    clusterName: r.cluster ?? 'DefaultCluster',
    brokerName: r.name,
    brokerId: r.id ?? 0,
    brokerAddr: r.addr,
    haServerAddr: r.ha ?? `${r.addr}-ha`,
    heartbeatTimeoutMillis: r.heartbeatTimeoutMillis,
    compressed: r.compressed === 'header',
    bodyCrc32: r.bodyCrc32 ?? maskedCrc32(bytes),
  });
  return createRequest(RequestCode.REGISTER_BROKER, { extFields, body: bytes, version: MQVersion.V5_0_0 });
}

function request(code: number, extFields: ExtFields | null = null, body: Buffer | null = null, version?: number) {
  return createRequest(code, { extFields, body, version });
}

describe('NameServer', () => {
  let dir: string;
  const clients: RemotingClient[] = [];
  const servers: NameServer[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-namesrv-'));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.shutdown();
    for (const server of servers.splice(0)) await server.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  async function startNamesrv(options: NameServerOptions = {}): Promise<NameServer> {
    const ns = new NameServer({
      host: '127.0.0.1',
      port: 0,
      kvConfigPath: path.join(dir, 'kvConfig.json'),
      ...options,
    });
    servers.push(ns);
    await ns.start();
    return ns;
  }

  /** One RemotingClient = one TCP connection per NameServer: a broker of its own. */
  function newClient(): RemotingClient {
    const client = new RemotingClient({ reconnectBackoffInitialMs: 1, reconnectBackoffMaxMs: 1 });
    clients.push(client);
    return client;
  }

  async function register(client: RemotingClient, ns: NameServer, r: Registration): Promise<RemotingCommand> {
    const response = await client.invoke(ns.addr, registerRequest(r));
    return response;
  }

  async function route(client: RemotingClient, ns: NameServer, topicName: string, version?: number) {
    return client.invoke(ns.addr, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: topicName }, null, version));
  }

  const topicMissing = async (client: RemotingClient, ns: NameServer, topicName: string): Promise<boolean> =>
    (await route(client, ns, topicName)).code === ResponseCode.TOPIC_NOT_EXIST;

  const broker = { name: 'broker-a', addr: '127.0.0.1:10911', ha: '127.0.0.1:10912', topics: [topic('TopicTest')] };
  const slave = {
    name: 'broker-a',
    id: 1,
    addr: '127.0.0.1:10921',
    ha: '127.0.0.1:10922',
    topics: [topic('TopicTest')],
  };

  it('answers routes in standard JSON to every client version, byte for byte what Java writes', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    expect((await register(client, ns, broker)).code).toBe(ResponseCode.SUCCESS);
    expect((await register(newClient(), ns, slave)).code).toBe(ResponseCode.SUCCESS);
    for (const version of [MQVersion.V5_0_0, MQVersion.V4_5_2, MQVersion.V3_4_9]) {
      const response = await route(client, ns, 'TopicTest', version);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.version).toBeGreaterThanOrEqual(MQVersion.V4_9_4);
      expect(response.body!.toString('utf8')).toBe(APPENDIX_C_ROUTE_STANDARD);
      expect(() => JSON.parse(response.body!.toString('utf8')) as unknown).not.toThrow();
    }
    // Our decoder reads the legacy form a Java NameServer sends to old clients into the same route.
    expect(decodeTopicRouteData(APPENDIX_C_ROUTE_LEGACY)).toEqual(decodeTopicRouteData(APPENDIX_C_ROUTE_STANDARD));
    expect(decodeTopicRouteData(APPENDIX_C_ROUTE_LEGACY).brokerDatas[0]!.brokerAddrs).toEqual({
      '0': '127.0.0.1:10911',
      '1': '127.0.0.1:10921',
    });
  });

  it('answers GET_BROKER_CLUSTER_INFO with bare numeric keys, as Java does', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, broker);
    await register(newClient(), ns, slave);
    const response = await client.invoke(ns.addr, request(RequestCode.GET_BROKER_CLUSTER_INFO));
    expect(response.body!.toString('utf8')).toBe(APPENDIX_C_CLUSTER_INFO);
    expect(decodeClusterInfo(response.body!).clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
  });

  it('answers TOPIC_NOT_EXIST with the Java remark for an unknown topic', async () => {
    const ns = await startNamesrv();
    const response = await route(newClient(), ns, 'nope');
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(response.remark).toBe(`No topic route info in name server for the topic: nope${FAQ}`);
  });

  it('gives a slave the address and HA address of its live master', async () => {
    const ns = await startNamesrv();
    const early = await register(newClient(), ns, slave);
    expect(early.extFields ?? {}).toEqual({});
    const master = await register(newClient(), ns, broker);
    expect(master.code).toBe(ResponseCode.SUCCESS);
    expect(master.extFields ?? {}).toEqual({});
    const again = await register(newClient(), ns, slave);
    expect(again.extFields).toEqual({ masterAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' });
  });

  it('routes two broker names of a topic side by side', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, broker);
    await register(newClient(), ns, { name: 'broker-b', addr: '127.0.0.1:20911', topics: [topic('TopicTest', 2)] });
    const data = decodeTopicRouteData((await route(client, ns, 'TopicTest')).body!);
    const byName = [...data.brokerDatas].sort((x, y) => x.brokerName.localeCompare(y.brokerName));
    expect(byName.map((b) => [b.brokerName, { ...b.brokerAddrs }])).toEqual([
      ['broker-a', { '0': '127.0.0.1:10911' }],
      ['broker-b', { '0': '127.0.0.1:20911' }],
    ]);
    expect(data.queueDatas.map((q) => [q.brokerName, q.writeQueueNums]).sort()).toEqual([
      ['broker-a', 4],
      ['broker-b', 2],
    ]);
  });

  it('takes topics from masters only, and only when their dataVersion changed', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    const masterClient = newClient();
    await register(masterClient, ns, broker);
    await register(newClient(), ns, { ...slave, topics: [topic('TopicTest'), topic('SlaveOnly')] });
    expect(await topicMissing(client, ns, 'SlaveOnly')).toBe(true);
    // Same dataVersion: the table is not read again.
    await register(masterClient, ns, { ...broker, topics: [topic('TopicTest', 8), topic('Fresh')] });
    expect(await topicMissing(client, ns, 'Fresh')).toBe(true);
    expect(decodeTopicRouteData((await route(client, ns, 'TopicTest')).body!).queueDatas[0]!.writeQueueNums).toBe(4);
    // New dataVersion: topics are created or replaced; topics left out are kept (4.x).
    await register(masterClient, ns, {
      ...broker,
      topics: [topic('Fresh', 2)],
      dataVersion: { timestamp: 1, counter: 2 },
    });
    expect(decodeTopicRouteData((await route(client, ns, 'Fresh')).body!).queueDatas[0]!.writeQueueNums).toBe(2);
    expect(await topicMissing(client, ns, 'TopicTest')).toBe(false);
  });

  it('removes a broker at once when its connection closes, keeping topics readable from a live slave', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    const masterClient = newClient();
    const slaveClient = newClient();
    await register(masterClient, ns, broker);
    await register(slaveClient, ns, slave);
    await masterClient.shutdown();
    await waitFor(async () => {
      const data = decodeTopicRouteData((await route(client, ns, 'TopicTest')).body!);
      return data.brokerDatas[0]!.brokerAddrs['0'] === undefined;
    });
    const data = decodeTopicRouteData((await route(client, ns, 'TopicTest')).body!);
    expect(data.brokerDatas[0]!.brokerAddrs).toEqual({ '1': '127.0.0.1:10921' });
    expect(data.queueDatas).toHaveLength(1);
    await slaveClient.shutdown();
    await waitFor(() => topicMissing(client, ns, 'TopicTest'));
    const cluster = decodeClusterInfo(
      (await client.invoke(ns.addr, request(RequestCode.GET_BROKER_CLUSTER_INFO))).body!,
    );
    expect(cluster).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
  });

  it('expires a broker that goes silent and closes its connection', async () => {
    const ns = await startNamesrv({ scanIntervalMs: 20, brokerExpiryMs: 200 });
    const silent = newClient();
    const closed = new Promise<void>((resolve) => silent.once('disconnect', () => resolve()));
    await register(silent, ns, broker);
    expect(await topicMissing(newClient(), ns, 'TopicTest')).toBe(false);
    await closed;
    expect(await topicMissing(newClient(), ns, 'TopicTest')).toBe(true);
    expect(ns.routes.liveBrokerCount).toBe(0);
  });

  it("applies a 5.x broker's own heartbeatTimeoutMillis", async () => {
    const ns = await startNamesrv({ scanIntervalMs: 20, brokerExpiryMs: 60_000 });
    const client = newClient();
    await register(newClient(), ns, { ...broker, heartbeatTimeoutMillis: 150 });
    await register(newClient(), ns, { name: 'broker-b', addr: '127.0.0.1:20911', topics: [topic('Other')] });
    expect(ns.routes.getBrokerLiveInfo('DefaultCluster', broker.addr)?.heartbeatTimeoutMs).toBe(150);
    await waitFor(() => topicMissing(client, ns, 'TopicTest'));
    expect(await topicMissing(client, ns, 'Other')).toBe(false);
  });

  it('refreshes liveness on BROKER_HEARTBEAT and QUERY_DATA_VERSION, and tells whether the version changed', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, broker);
    const identity = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: broker.addr, brokerId: '0' };
    const live = () => ns.routes.getBrokerLiveInfo('DefaultCluster', broker.addr)!.lastUpdateTimestamp;
    const before = live();
    await waitFor(() => Date.now() > before);
    await client.invokeOneway(
      ns.addr,
      createRequest(RequestCode.BROKER_HEARTBEAT, { extFields: identity, oneway: true }),
    );
    await waitFor(() => live() > before);

    const same = await client.invoke(
      ns.addr,
      request(RequestCode.QUERY_DATA_VERSION, identity, encodeDataVersion({ timestamp: 1, counter: 1 })),
    );
    expect(same.extFields).toEqual({ changed: 'false' });
    expect(decodeDataVersion(same.body!)).toMatchObject({ timestamp: 1, counter: 1 });
    const other = await client.invoke(
      ns.addr,
      request(RequestCode.QUERY_DATA_VERSION, identity, encodeDataVersion({ timestamp: 1, counter: 7 })),
    );
    expect(other.extFields).toEqual({ changed: 'true' });
  });

  it('removes a broker on UNREGISTER_BROKER', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, broker);
    const identity = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: broker.addr, brokerId: '0' };
    expect((await client.invoke(ns.addr, request(RequestCode.UNREGISTER_BROKER, identity))).code).toBe(
      ResponseCode.SUCCESS,
    );
    expect(await topicMissing(client, ns, 'TopicTest')).toBe(true);
  });

  it('accepts compressed registration bodies, also when the header says compressed=false (5.3.x)', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    const zipped = await register(client, ns, { ...broker, topics: [topic('Zipped', 3)], compressed: 'header' });
    expect(zipped.code).toBe(ResponseCode.SUCCESS);
    const quirk = await register(newClient(), ns, {
      name: 'broker-b',
      addr: '127.0.0.1:20911',
      topics: [topic('Zipped', 5)],
      compressed: 'quirk',
    });
    expect(quirk.code).toBe(ResponseCode.SUCCESS);
    const data = decodeTopicRouteData((await route(client, ns, 'Zipped')).body!);
    expect(data.queueDatas.map((q) => [q.brokerName, q.readQueueNums]).sort()).toEqual([
      ['broker-a', 3],
      ['broker-b', 5],
    ]);
  });

  it('refuses a body whose CRC does not match, and skips the check when bodyCrc32 is 0', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    const bad = await register(client, ns, { ...broker, bodyCrc32: 12345 });
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toBe('crc32 not match');
    expect(await topicMissing(client, ns, 'TopicTest')).toBe(true);
    expect((await register(client, ns, { ...broker, bodyCrc32: 0 })).code).toBe(ResponseCode.SUCCESS);
    expect(await topicMissing(client, ns, 'TopicTest')).toBe(false);
  });

  it('answers a missing or mistyped header field with an error naming it, and keeps serving', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    const good = registerRequest(broker);
    const { brokerAddr: _dropped, ...withoutAddr } = good.extFields!;
    const missing = await client.invoke(ns.addr, { ...good, opaque: newOpaque(), extFields: withoutAddr });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('<brokerAddr>');
    const mistyped = await client.invoke(ns.addr, {
      ...good,
      opaque: newOpaque(),
      extFields: { ...good.extFields, brokerId: 'master' },
    });
    expect(mistyped.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(mistyped.remark).toContain('<brokerId>');
    const garbage = registerRequest(broker);
    const junk = Buffer.from('{"topicConfigSerializeWrapper": [1, 2');
    garbage.body = junk;
    garbage.extFields = { ...garbage.extFields, bodyCrc32: String(maskedCrc32(junk)) };
    expect((await client.invoke(ns.addr, garbage)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const noTopic = await client.invoke(ns.addr, request(RequestCode.GET_ROUTEINFO_BY_TOPIC));
    expect(noTopic.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(noTopic.remark).toContain('<topic>');
    const unknown = await client.invoke(ns.addr, request(9999));
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    // Same connection, still served.
    expect((await register(client, ns, broker)).code).toBe(ResponseCode.SUCCESS);
    expect(await topicMissing(client, ns, 'TopicTest')).toBe(false);
  });

  it('deletes a topic everywhere, or only on the brokers of one cluster (DELETE_TOPIC_IN_NAMESRV)', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, { ...broker, topics: [topic('T1'), topic('T2')] });
    await register(newClient(), ns, {
      cluster: 'Other',
      name: 'broker-b',
      addr: '127.0.0.1:20911',
      topics: [topic('T2')],
    });
    expect((await client.invoke(ns.addr, request(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T1' }))).code).toBe(
      ResponseCode.SUCCESS,
    );
    expect(await topicMissing(client, ns, 'T1')).toBe(true);
    await client.invoke(ns.addr, request(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T2', clusterName: 'Other' }));
    const data = decodeTopicRouteData((await route(client, ns, 'T2')).body!);
    expect(data.queueDatas.map((q) => q.brokerName)).toEqual(['broker-a']);
  });

  it('lists topics: all, by cluster, system and unit; the all-topics list can be disabled', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, {
      ...broker,
      topics: [topic('Plain'), topic('Unit', 4, 6, TopicSysFlag.UNIT), topic('UnitSub', 4, 6, TopicSysFlag.UNIT_SUB)],
    });
    await register(newClient(), ns, {
      cluster: 'Other',
      name: 'broker-b',
      addr: '127.0.0.1:20911',
      topics: [topic('B')],
    });
    const list = async (code: number, ext: ExtFields | null = null) =>
      decodeTopicList((await client.invoke(ns.addr, request(code, ext))).body!);
    expect((await list(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).topicList.sort()).toEqual([
      'B',
      'Plain',
      'Unit',
      'UnitSub',
    ]);
    expect((await list(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'Other' })).topicList).toEqual(['B']);
    const system = await list(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS);
    expect(system.topicList.sort()).toEqual(['DefaultCluster', 'Other', 'broker-a', 'broker-b']);
    expect([broker.addr, '127.0.0.1:20911']).toContain(system.brokerAddr);
    expect((await list(RequestCode.GET_UNIT_TOPIC_LIST)).topicList).toEqual(['Unit']);
    expect((await list(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST)).topicList).toEqual(['UnitSub']);
    expect((await list(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST)).topicList).toEqual(['UnitSub']);

    const closed = await startNamesrv({ enableAllTopicList: false, kvConfigPath: null });
    const disabled = await client.invoke(closed.addr, request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    expect(disabled.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(disabled.remark).toBe('disable');
  });

  it('wipes and restores the write permission of a broker name', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, { ...broker, topics: [topic('T1'), topic('T2')] });
    const wipe = await client.invoke(
      ns.addr,
      request(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }),
    );
    expect(wipe.extFields).toEqual({ wipeTopicCount: '2' });
    expect(decodeTopicRouteData((await route(client, ns, 'T1')).body!).queueDatas[0]!.perm).toBe(Perm.READ);
    const add = await client.invoke(ns.addr, request(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }));
    expect(add.extFields).toEqual({ addTopicCount: '2' });
    expect(decodeTopicRouteData((await route(client, ns, 'T1')).body!).queueDatas[0]!.perm).toBe(
      Perm.READ | Perm.WRITE,
    );
  });

  it('registers a topic on known broker names only (REGISTER_TOPIC_IN_NAMESRV)', async () => {
    const ns = await startNamesrv();
    const client = newClient();
    await register(client, ns, broker);
    const queueData = (brokerName: string) => ({
      brokerName,
      readQueueNums: 2,
      writeQueueNums: 2,
      perm: 6,
      topicSysFlag: 0,
    });
    const body = (brokerName: string) =>
      encodeTopicRouteData({ queueDatas: [queueData(brokerName)], brokerDatas: [], filterServerTable: {} });
    const ok = await client.invoke(
      ns.addr,
      request(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'Made' }, body('broker-a')),
    );
    expect(ok.code).toBe(ResponseCode.SUCCESS);
    expect(decodeTopicRouteData((await route(client, ns, 'Made')).body!).queueDatas).toEqual([queueData('broker-a')]);
    const unknown = await client.invoke(
      ns.addr,
      request(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'Ghost' }, body('broker-z')),
    );
    expect(unknown.code).toBe(ResponseCode.SUCCESS); // as Java: logged, ignored
    expect(await topicMissing(client, ns, 'Ghost')).toBe(true);
  });

  it('keeps KV config across a restart, in an atomically replaced file', async () => {
    const kvConfigPath = path.join(dir, 'namesrv', 'kvConfig.json');
    const first = await startNamesrv({ kvConfigPath });
    const client = newClient();
    const kv = (code: number, ext: ExtFields, ns: NameServer = first) => client.invoke(ns.addr, request(code, ext));
    expect((await kv(RequestCode.PUT_KV_CONFIG, { namespace: 'N', key: 'k', value: 'v' })).code).toBe(0);
    await kv(RequestCode.PUT_KV_CONFIG, { namespace: 'N', key: 'gone', value: 'x' });
    await kv(RequestCode.DELETE_KV_CONFIG, { namespace: 'N', key: 'gone' });
    const absent = await kv(RequestCode.GET_KV_CONFIG, { namespace: 'N', key: 'gone' });
    expect(absent.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(absent.remark).toBe('No config item, Namespace: N Key: gone');
    expect((await kv(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'none' })).code).toBe(
      ResponseCode.QUERY_NOT_FOUND,
    );
    expect(JSON.parse(await readFile(kvConfigPath, 'utf8'))).toEqual({ configTable: { N: { k: 'v' } } });
    expect(await readdir(path.dirname(kvConfigPath))).toEqual(['kvConfig.json']);
    await client.closeConnection(first.addr);
    await first.shutdown();

    const second = await startNamesrv({ kvConfigPath });
    expect((await kv(RequestCode.GET_KV_CONFIG, { namespace: 'N', key: 'k' }, second)).extFields).toEqual({
      value: 'v',
    });
    const listed = await kv(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'N' }, second);
    expect(decodeKVTable(listed.body!).table).toEqual({ k: 'v' });
  });

  it('returns ORDER_TOPIC_CONFIG to brokers, and orderTopicConf in routes when orderMessageEnable', async () => {
    const ns = await startNamesrv({ orderMessageEnable: true });
    const client = newClient();
    await client.invoke(
      ns.addr,
      request(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicTest', value: 'broker-a:4' }),
    );
    const registered = await register(client, ns, broker);
    expect(decodeKVTable(registered.body!).table).toEqual({ TopicTest: 'broker-a:4' });
    expect(decodeTopicRouteData((await route(client, ns, 'TopicTest')).body!).orderTopicConf).toBe('broker-a:4');
  });

  it('changes settings at runtime (UPDATE_NAMESRV_CONFIG) and reports them (GET_NAMESRV_CONFIG)', async () => {
    const ns = await startNamesrv({ kvConfigPath: null });
    const client = newClient();
    const update = (text: string) =>
      client.invoke(ns.addr, request(RequestCode.UPDATE_NAMESRV_CONFIG, null, Buffer.from(text, 'utf8')));
    expect((await update('# from mqadmin\nenableAllTopicList=false\nunknownKey=1\n')).code).toBe(ResponseCode.SUCCESS);
    expect(ns.settings.enableAllTopicList).toBe(false);
    expect((await update('scanNotActiveBrokerInterval=25')).code).toBe(ResponseCode.SUCCESS);
    expect(ns.settings.scanIntervalMs).toBe(25);
    const listing = await client.invoke(ns.addr, request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    expect(listing.code).toBe(ResponseCode.SYSTEM_ERROR);
    const refused = await update('kvConfigPath=/tmp/elsewhere\norderMessageEnable=true');
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
    expect(ns.settings.orderMessageEnable).toBe(false);
    const config = await client.invoke(ns.addr, request(RequestCode.GET_NAMESRV_CONFIG));
    const text = config.body!.toString('utf8');
    expect(text).toContain('enableAllTopicList=false\n');
    expect(text).toContain(`listenPort=${ns.address!.port}\n`);
  });

  it('accepts the REGISTER_BROKER frame an Apache RocketMQ 5.5.0 broker sent', async () => {
    const fixture = JSON.parse(await readFile(new URL('register-broker.request.json', FIXTURES), 'utf8')) as {
      hex: string;
      extFields: ExtFields;
    };
    const frame = decodeFrame(Buffer.from(fixture.hex, 'hex'));
    const ns = await startNamesrv();
    const client = newClient();
    const response = await client.invoke(ns.addr, { ...frame, opaque: newOpaque() });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.extFields ?? {}).toEqual({});
    const data = decodeTopicRouteData((await route(client, ns, 'TBW102')).body!);
    expect(data.brokerDatas).toEqual([
      {
        cluster: 'RocketnestInterop',
        brokerName: 'broker-a',
        brokerAddrs: { '0': fixture.extFields['brokerAddr'] },
        enableActingMaster: false,
      },
    ]);
    expect(data.queueDatas).toEqual([
      { brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSysFlag: 0 },
    ]);
  });

  it('shares no state with another NameServer', async () => {
    const one = await startNamesrv({ kvConfigPath: path.join(dir, 'one.json') });
    const two = await startNamesrv({ kvConfigPath: path.join(dir, 'two.json') });
    const client = newClient();
    await register(client, one, broker);
    await client.invoke(one.addr, request(RequestCode.PUT_KV_CONFIG, { namespace: 'N', key: 'k', value: 'v' }));
    expect(await topicMissing(client, one, 'TopicTest')).toBe(false);
    expect(await topicMissing(client, two, 'TopicTest')).toBe(true);
    const kv = await client.invoke(two.addr, request(RequestCode.GET_KV_CONFIG, { namespace: 'N', key: 'k' }));
    expect(kv.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    await expect(access(path.join(dir, 'two.json'))).rejects.toThrow();
  });
});

describe('RouteInfoManager', () => {
  const wrapper = (topics: TopicConfig[], counter = 1) => {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const config of topics) topicConfigTable[config.topicName] = config;
    return { topicConfigTable, dataVersion: { timestamp: 1, counter } };
  };
  const params = (brokerName: string, brokerId: number, brokerAddr: string, topics: TopicConfig[] = []) => ({
    clusterName: 'C',
    brokerName,
    brokerId,
    brokerAddr,
    haServerAddr: `${brokerAddr}-ha`,
    topicConfigWrapper: wrapper(topics),
    filterServerList: [],
    connection: null,
  });

  it('keeps one id per address when a broker switches role', () => {
    const routes = new RouteInfoManager(120_000);
    routes.registerBroker(params('a', 0, 'm:1', [topic('T')]));
    routes.registerBroker(params('a', 1, 's:1'));
    // Failover: the slave comes back as master, the old master as slave.
    routes.registerBroker(params('a', 0, 's:1'));
    routes.registerBroker(params('a', 1, 'm:1'));
    expect(routes.getAllClusterInfo().brokerAddrTable['a']!.brokerAddrs).toEqual({ '0': 's:1', '1': 'm:1' });
  });

  it('drops a broker name with its last address: from its cluster, and from topics left without queue data', () => {
    const routes = new RouteInfoManager(120_000);
    routes.registerBroker(params('a', 0, 'a:1', [topic('Shared'), topic('OnlyA')]));
    routes.registerBroker({ ...params('b', 0, 'b:1', [topic('Shared')]), clusterName: 'D' });
    const removed = routes.unregisterBroker('C', 'a:1');
    expect(removed.removedBrokerNames).toEqual(['a']);
    expect(routes.getAllClusterInfo().clusterAddrTable).toEqual({ D: ['b'] });
    expect(routes.getAllTopicList()).toEqual(['Shared']);
    expect(routes.pickupTopicRouteData('Shared')!.queueDatas.map((q) => q.brokerName)).toEqual(['b']);
  });

  it('expires only brokers older than their own timeout', () => {
    const routes = new RouteInfoManager(1000);
    routes.registerBroker(params('a', 0, 'a:1', [topic('T')]), 0);
    routes.registerBroker({ ...params('b', 0, 'b:1', [topic('T')]), heartbeatTimeoutMs: 5000 }, 0);
    expect(routes.scanNotActiveBroker(1000)).toEqual([]);
    expect(routes.scanNotActiveBroker(1001).map((r) => r.brokerAddr)).toEqual(['a:1']);
    expect(routes.pickupTopicRouteData('T')!.brokerDatas.map((b) => b.brokerName)).toEqual(['b']);
  });
});
