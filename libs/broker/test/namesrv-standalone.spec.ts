import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broker, NameServer, Standalone, startStandalone } from '@rocketnest/broker';
import {
  RequestCode,
  ResponseCode,
  createRequest,
  decodeClusterInfo,
  decodeTopicList,
  decodeTopicRouteData,
  encodeCreateTopicRequestHeader,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { waitFor } from './support/wait-for.js';

describe('NameServer with brokers', () => {
  let dir: string;
  let client: RemotingClient;
  const toClose: Array<{ close?: () => Promise<void>; shutdown?: () => Promise<void> }> = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-ns-'));
    client = new RemotingClient();
  });
  afterEach(async () => {
    await client.shutdown();
    for (const item of toClose.splice(0).reverse()) await (item.close ?? item.shutdown)!.call(item);
    await rm(dir, { recursive: true, force: true });
  });

  const route = async (namesrv: string, topic: string) =>
    client.invoke(namesrv, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic } }));

  it('standalone: the broker registers and its topics are routed', async () => {
    const standalone: Standalone = await startStandalone({ dataDir: dir, namesrvPort: 0, brokerPort: 0 });
    toClose.push(standalone);
    const response = await route(standalone.namesrvAddr, 'TBW102');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const data = decodeTopicRouteData(response.body!);
    expect(data.brokerDatas[0]!.brokerAddrs).toEqual({ 0: standalone.brokerAddr });
    expect(data.queueDatas[0]).toMatchObject({ brokerName: 'broker-a', perm: 7, writeQueueNums: 8 });
    const missing = await route(standalone.namesrvAddr, 'no-such-topic');
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toContain('No topic route info in name server for the topic: no-such-topic');
  });

  it('a topic created on the broker reaches the route at once', async () => {
    const standalone = await startStandalone({ dataDir: dir, namesrvPort: 0, brokerPort: 0 });
    toClose.push(standalone);
    const header = encodeCreateTopicRequestHeader({
      topic: 'fresh',
      defaultTopic: 'TBW102',
      readQueueNums: 2,
      writeQueueNums: 2,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
    });
    await client.invoke(
      standalone.brokerAddr,
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields: header }),
    );
    await waitFor(async () => (await route(standalone.namesrvAddr, 'fresh')).code === ResponseCode.SUCCESS);
    const list = decodeTopicList(
      (await client.invoke(standalone.namesrvAddr, createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)))
        .body!,
    );
    expect(list.topicList).toContain('fresh');
  });

  it('two nameservers and two brokers: routes list both, and a closed broker leaves at once', async () => {
    const ns1 = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null });
    const ns2 = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null });
    await ns1.start();
    await ns2.start();
    toClose.push(ns1, ns2);
    const common = { host: '127.0.0.1', port: 0, namesrvAddr: [ns1.addr, ns2.addr] };
    const a = await Broker.start({ ...common, dataDir: path.join(dir, 'a'), brokerName: 'broker-a' });
    const b = await Broker.start({ ...common, dataDir: path.join(dir, 'b'), brokerName: 'broker-b' });
    toClose.push(a);
    for (const ns of [ns1, ns2]) {
      const data = decodeTopicRouteData((await route(ns.addr, 'TBW102')).body!);
      expect(data.brokerDatas.map((d) => d.brokerName).sort()).toEqual(['broker-a', 'broker-b']);
    }
    const cluster = decodeClusterInfo(
      (await client.invoke(ns1.addr, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO))).body!,
    );
    expect(cluster.clusterAddrTable['DefaultCluster']!.sort()).toEqual(['broker-a', 'broker-b']);
    await b.shutdown();
    for (const ns of [ns1, ns2]) {
      await waitFor(async () => decodeTopicRouteData((await route(ns.addr, 'TBW102')).body!).brokerDatas.length === 1);
    }
  });
});
