import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BrokerIdentity,
  BrokerRegistrationClient,
  BrokerRegistrationOptions,
  buildRegisterBrokerPayload,
  createRegisterBrokerRequest,
  DEFAULT_BROKER_REGISTRATION_OPTIONS,
  NameServer,
  NameServerOptions,
} from '@rocketnest/broker';
import {
  createRequest,
  decodeClusterInfo,
  decodeFrame,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  ExtFields,
  MQVersion,
  Perm,
  RemotingError,
  RequestCode,
  ResponseCode,
  TopicConfig,
  TopicConfigSerializeWrapper,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { waitFor } from './support/wait-for.js';

const FIXTURES = new URL('../../../interop/fixtures/', import.meta.url);
/** Appendix C of remoting-protocol.md: a 5.x broker's RegisterBrokerBody as fastjson writes it. */
const APPENDIX_C_REGISTER_BODY =
  '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000000},"mappingDataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}},"topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}';

function topic(topicName: string, queues = 4): TopicConfig {
  return {
    topicName,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  };
}

/** A broker's topic table whose DataVersion moves on every change, like TopicConfigManager's. */
class TopicTable {
  private readonly topics = new Map<string, TopicConfig>();
  private counter = 0;

  constructor(...names: string[]) {
    for (const name of names) this.add(name);
  }

  add(name: string, queues = 4): void {
    this.topics.set(name, topic(name, queues));
    this.counter++;
  }

  /** Java bumps the DataVersion when the broker permission changes, so NameServers read the table again. */
  nextVersion(): void {
    this.counter++;
  }

  readonly snapshot = (): TopicConfigSerializeWrapper => {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [name, config] of this.topics) topicConfigTable[name] = config;
    return { topicConfigTable, dataVersion: { timestamp: 1_700_000_000_000, counter: this.counter, stateVersion: 0 } };
  };
}

const master: BrokerIdentity = {
  clusterName: 'DefaultCluster',
  brokerName: 'broker-a',
  brokerId: 0,
  brokerAddr: '127.0.0.1:10911',
  haServerAddr: '127.0.0.1:10912',
};

describe('BrokerRegistrationClient', () => {
  let dir: string;
  let tools: RemotingClient;
  const servers: NameServer[] = [];
  const registrations: BrokerRegistrationClient[] = [];
  const clients: RemotingClient[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-registration-'));
    tools = new RemotingClient();
  });
  afterEach(async () => {
    for (const registration of registrations.splice(0)) await registration.shutdown();
    for (const client of clients.splice(0)) await client.shutdown();
    await tools.shutdown();
    for (const server of servers.splice(0)) await server.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  async function startNamesrv(options: NameServerOptions = {}): Promise<NameServer> {
    const ns = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null, ...options });
    servers.push(ns);
    await ns.start();
    return ns;
  }

  /** A registration over a RemotingClient of its own broker, as Broker passes its outbound client. */
  function registration(
    options: Partial<BrokerRegistrationOptions> & Pick<BrokerRegistrationOptions, 'namesrvAddrs'>,
  ): BrokerRegistrationClient {
    const outbound = new RemotingClient({ reconnectBackoffInitialMs: 1, reconnectBackoffMaxMs: 1 });
    clients.push(outbound);
    const created = new BrokerRegistrationClient(outbound, {
      identity: master,
      topicConfigs: new TopicTable('TopicTest').snapshot,
      ...options,
    });
    registrations.push(created);
    return created;
  }

  async function route(ns: NameServer | string, topicName: string) {
    const addr = typeof ns === 'string' ? ns : ns.addr;
    return tools.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName } }));
  }

  const routed = async (ns: NameServer | string, topicName: string): Promise<boolean> =>
    (await route(ns, topicName)).code === ResponseCode.SUCCESS;

  it('registers with every NameServer in parallel and reports each answer', async () => {
    const one = await startNamesrv();
    const two = await startNamesrv();
    const results = await registration({ namesrvAddrs: [one.addr, two.addr] }).registerAll();
    expect(results).toEqual([
      { namesrvAddr: one.addr, ok: true },
      { namesrvAddr: two.addr, ok: true },
    ]);
    for (const ns of [one, two]) {
      const data = decodeTopicRouteData((await route(ns, 'TopicTest')).body!);
      expect(data.brokerDatas[0]!.brokerAddrs).toEqual({ '0': master.brokerAddr });
    }
  });

  it("gives a slave its master's addresses from every NameServer", async () => {
    const one = await startNamesrv();
    const two = await startNamesrv();
    const namesrvAddrs = [one.addr, two.addr];
    await registration({ namesrvAddrs }).registerAll();
    const slave = { ...master, brokerId: 1, brokerAddr: '127.0.0.1:10921', haServerAddr: '127.0.0.1:10922' };
    const results = await registration({ namesrvAddrs, identity: () => slave }).registerAll();
    for (const result of results) {
      expect(result).toMatchObject({ ok: true, masterAddr: master.brokerAddr, haServerAddr: master.haServerAddr });
    }
    const data = decodeTopicRouteData((await route(one, 'TopicTest')).body!);
    expect(data.brokerDatas[0]!.brokerAddrs).toEqual({ '0': master.brokerAddr, '1': slave.brokerAddr });
  });

  it('sends the header fields and body a Java broker sends', async () => {
    const fixture = JSON.parse(await readFile(new URL('register-broker.request.json', FIXTURES), 'utf8')) as {
      hex: string;
      extFields: ExtFields;
    };
    const captured = decodeFrame(Buffer.from(fixture.hex, 'hex'));
    const javaBody = decodeRegisterBrokerBody(captured.body!, { compressed: false, version: captured.version });
    const ext = fixture.extFields;
    const identity: BrokerIdentity = {
      clusterName: ext['clusterName']!,
      brokerName: ext['brokerName']!,
      brokerId: Number(ext['brokerId']),
      brokerAddr: ext['brokerAddr']!,
      haServerAddr: ext['haServerAddr']!,
    };
    const options = { ...DEFAULT_BROKER_REGISTRATION_OPTIONS, compressed: false };
    const payload = buildRegisterBrokerPayload(javaBody.topicConfigSerializeWrapper, options);
    const ours = createRegisterBrokerRequest(identity, payload, options);
    expect(ours.code).toBe(RequestCode.REGISTER_BROKER);
    expect(ours.version).toBeGreaterThanOrEqual(MQVersion.V4_9_4);
    expect(ours.extFields).toEqual({ ...ext, bodyCrc32: String(payload.bodyCrc32) });
    expect(decodeRegisterBrokerBody(ours.body!, { compressed: false })).toEqual(javaBody);
    // Byte for byte where map order is not at stake (Java's HashMap order is its own).
    const single = JSON.parse(APPENDIX_C_REGISTER_BODY) as { topicConfigSerializeWrapper: TopicConfigSerializeWrapper };
    const sample = buildRegisterBrokerPayload(single.topicConfigSerializeWrapper, options);
    expect(sample.body.toString('utf8')).toBe(APPENDIX_C_REGISTER_BODY);
  });

  it('folds a burst of requestRegister calls into one round carrying the latest topics', async () => {
    const ns = await startNamesrv();
    const topics = new TopicTable('TopicTest');
    const client = registration({ namesrvAddrs: [ns.addr], topicConfigs: topics.snapshot });
    await client.start();
    expect(client.completedRounds).toBe(1);
    for (let i = 0; i < 20; i++) {
      topics.add(`Burst${i}`);
      client.requestRegister();
    }
    await waitFor(() => client.completedRounds >= 2);
    for (let i = 0; i < 20; i++) expect(await routed(ns, `Burst${i}`)).toBe(true);
    expect(client.completedRounds).toBe(2);
  });

  it('re-registers every period, staying alive past the NameServer expiry', async () => {
    const ns = await startNamesrv({ scanIntervalMs: 20, brokerExpiryMs: 200 });
    const client = registration({ namesrvAddrs: [ns.addr], registerNameServerPeriodMs: 30 });
    await client.start();
    const first = ns.routes.getBrokerLiveInfo(master.clusterName, master.brokerAddr)!.lastUpdateTimestamp;
    // Registered for more than twice the expiry: only re-registration keeps it there.
    await waitFor(() => {
      const info = ns.routes.getBrokerLiveInfo(master.clusterName, master.brokerAddr);
      return info !== undefined && info.lastUpdateTimestamp > first + 450;
    }, 5000);
    expect(await routed(ns, 'TopicTest')).toBe(true);
  });

  it('tolerates a NameServer that is down and registers with it once it is up', async () => {
    const live = await startNamesrv();
    const gone = await startNamesrv();
    const port = gone.address!.port;
    await gone.shutdown();
    const downAddr = `127.0.0.1:${port}`;
    const client = registration({ namesrvAddrs: [live.addr, downAddr], registerNameServerPeriodMs: 30 });
    const results = await client.start();
    expect(results[0]).toEqual({ namesrvAddr: live.addr, ok: true });
    expect(results[1]).toMatchObject({ namesrvAddr: downAddr, ok: false });
    expect(results[1]!.error).toBeTruthy();
    await startNamesrv({ port });
    await waitFor(() => routed(downAddr, 'TopicTest'), 5000);
  });

  it('unregisters from every NameServer at shutdown', async () => {
    const one = await startNamesrv();
    const two = await startNamesrv();
    const client = registration({ namesrvAddrs: [one.addr, two.addr], registerNameServerPeriodMs: 20 });
    await client.start();
    expect(await routed(one, 'TopicTest')).toBe(true);
    await client.shutdown();
    expect(await routed(one, 'TopicTest')).toBe(false);
    expect(await routed(two, 'TopicTest')).toBe(false);
    // Stopped: neither the timer nor a topic change registers it again.
    client.requestRegister();
    const rounds = client.completedRounds;
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.completedRounds).toBe(rounds);
    expect(one.routes.liveBrokerCount).toBe(0);
  });

  it('opens its own connections when given no client', async () => {
    const ns = await startNamesrv();
    const own = new BrokerRegistrationClient(null, {
      namesrvAddrs: [ns.addr],
      identity: master,
      topicConfigs: new TopicTable('Own').snapshot,
    });
    registrations.push(own);
    expect((await own.start())[0]!.ok).toBe(true);
    expect(await routed(ns, 'Own')).toBe(true);
    await own.shutdown();
    expect(await routed(ns, 'Own')).toBe(false);
  });

  it('sends compressed bodies, its own liveness timeout and zone when configured', async () => {
    const ns = await startNamesrv();
    const topics = new TopicTable('Zipped');
    const client = registration({
      namesrvAddrs: [ns.addr],
      identity: { ...master, zoneName: 'zone-1' },
      topicConfigs: topics.snapshot,
      compressed: true,
      heartbeatTimeoutMs: 45_000,
    });
    expect((await client.registerAll())[0]!.ok).toBe(true);
    expect(decodeTopicRouteData((await route(ns, 'Zipped')).body!).queueDatas[0]!.readQueueNums).toBe(4);
    expect(ns.routes.getBrokerLiveInfo(master.clusterName, master.brokerAddr)!.heartbeatTimeoutMs).toBe(45_000);
    const cluster = decodeClusterInfo(
      (await tools.invoke(ns.addr, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO))).body!,
    );
    expect(cluster.brokerAddrTable['broker-a']!.zoneName).toBe('zone-1');
  });

  it('registers every topic with the broker permission while the broker is not read-write', async () => {
    const ns = await startNamesrv();
    const topics = new TopicTable('TopicTest');
    let brokerPermission: number = Perm.READ;
    const client = registration({
      namesrvAddrs: [ns.addr],
      topicConfigs: topics.snapshot,
      brokerPermission: () => brokerPermission,
    });
    await client.registerAll();
    const perm = async () => decodeTopicRouteData((await route(ns, 'TopicTest')).body!).queueDatas[0]!.perm;
    expect(await perm()).toBe(Perm.READ);
    brokerPermission = Perm.READ | Perm.WRITE;
    topics.nextVersion();
    await client.registerAll();
    expect(await perm()).toBe(6);
  });

  it("reports the NameServer's ORDER_TOPIC_CONFIG table", async () => {
    const ns = await startNamesrv();
    await tools.invoke(
      ns.addr,
      createRequest(RequestCode.PUT_KV_CONFIG, {
        extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicTest', value: 'broker-a:4' },
      }),
    );
    const [result] = await registration({ namesrvAddrs: [ns.addr] }).registerAll();
    expect(result!.orderTopicConfig).toEqual({ TopicTest: 'broker-a:4' });
  });

  it('rejects a request version below V4_9_4 and a period that is not positive', () => {
    const base = { namesrvAddrs: [], identity: master, topicConfigs: new TopicTable().snapshot };
    expect(() => new BrokerRegistrationClient(null, { ...base, requestVersion: MQVersion.V4_5_2 })).toThrow(
      RemotingError,
    );
    expect(() => new BrokerRegistrationClient(null, { ...base, registerNameServerPeriodMs: 0 })).toThrow(
      /registerNameServerPeriodMs/,
    );
    const defaults = new BrokerRegistrationClient(null, base).options;
    expect(defaults.registerNameServerPeriodMs).toBe(30_000);
    expect(defaults.compressed).toBe(false);
  });
});
