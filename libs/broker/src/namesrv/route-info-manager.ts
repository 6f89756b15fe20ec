/**
 * The NameServer's routing tables (broker-semantics.md 8.2-8.5): everything here is rebuilt from broker
 * registrations and nothing is persisted. Node runs one request at a time, so Java's read-write lock has no
 * counterpart: every method below runs to completion without yielding.
 *
 * Keys follow 5.x: brokerLiveTable and filterServerTable are keyed by cluster + broker address, so the same
 * address may live in two clusters without one registration evicting the other.
 */
import {
  BrokerData,
  ClusterInfo,
  DataVersion,
  MASTER_ID,
  Perm,
  QueueData,
  TopicConfig,
  TopicConfigSerializeWrapper,
  TopicList,
  TopicSysFlag,
} from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';

export interface BrokerLiveInfo {
  readonly clusterName: string;
  readonly brokerAddr: string;
  lastUpdateTimestamp: number;
  /** This broker's own liveness timeout (`heartbeatTimeoutMillis`) or the NameServer default. */
  readonly heartbeatTimeoutMs: number;
  readonly dataVersion: DataVersion;
  /** The connection the broker registered over; closing it removes the broker at once. */
  readonly connection: RemotingConnection | null;
  readonly haServerAddr: string;
}

export interface RegisterBrokerParams {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string;
  /** [5.x] header `heartbeatTimeoutMillis`; the NameServer default when absent. */
  heartbeatTimeoutMs?: number;
  enableActingMaster?: boolean;
  topicConfigWrapper: TopicConfigSerializeWrapper;
  filterServerList: readonly string[];
  connection: RemotingConnection | null;
}

export interface RegisterBrokerOutcome {
  /** For a slave whose master is live: the master's broker address and HA address. */
  masterAddr?: string;
  haServerAddr?: string;
}

/**
 * GET_UNIT_TOPIC_LIST (unit flag), GET_HAS_UNIT_SUB_TOPIC_LIST (unit-sub flag),
 * GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST (unit-sub flag without the unit flag).
 */
export type UnitTopicKind = 'unit' | 'unitSub' | 'unitSubNotUnit';

/** A broker address removed from the tables (expiry, closed connection, unregistration). */
export interface RemovedBroker {
  readonly clusterName: string;
  readonly brokerAddr: string;
  /** Broker names that lost their last address (their topics' queue data went with them). */
  readonly removedBrokerNames: readonly string[];
  readonly connection: RemotingConnection | null;
}

interface BrokerEntry {
  readonly cluster: string;
  readonly brokerName: string;
  /** brokerId -> address; 0 = master. */
  readonly addrs: Map<number, string>;
  enableActingMaster: boolean;
  zoneName: string | undefined;
}

export class RouteInfoManager {
  /** topic -> brokerName -> QueueData */
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  /** brokerName -> BrokerData */
  private readonly brokerAddrTable = new Map<string, BrokerEntry>();
  /** clusterName -> brokerNames */
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  /** cluster + brokerAddr -> liveness */
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  /** cluster + brokerAddr -> filter servers (legacy class filter) */
  private readonly filterServerTable = new Map<string, string[]>();

  constructor(private readonly defaultHeartbeatTimeoutMs: number) {}

  /** REGISTER_BROKER (broker-semantics.md 8.3). */
  registerBroker(params: RegisterBrokerParams, now: number = Date.now()): RegisterBrokerOutcome {
    const { clusterName, brokerAddr, brokerName, brokerId } = params;
    let brokerNames = this.clusterAddrTable.get(clusterName);
    if (brokerNames === undefined) {
      brokerNames = new Set();
      this.clusterAddrTable.set(clusterName, brokerNames);
    }
    brokerNames.add(brokerName);

    let entry = this.brokerAddrTable.get(brokerName);
    let registerFirst = false;
    if (entry === undefined) {
      registerFirst = true;
      entry = { cluster: clusterName, brokerName, addrs: new Map(), enableActingMaster: false, zoneName: undefined };
      this.brokerAddrTable.set(brokerName, entry);
    }
    entry.enableActingMaster = params.enableActingMaster === true;
    if (params.zoneName !== undefined) entry.zoneName = params.zoneName;
    // A role switch (slave promoted, master demoted) keeps the address: one id per address.
    for (const [id, addr] of entry.addrs) {
      if (addr === brokerAddr && id !== brokerId) entry.addrs.delete(id);
    }
    const previousAddr = entry.addrs.get(brokerId);
    entry.addrs.set(brokerId, brokerAddr);
    registerFirst = registerFirst || previousAddr === undefined;

    const wrapper = params.topicConfigWrapper;
    // Only a master's topic table is authoritative; a slave's would resurrect topics the master dropped.
    if (brokerId === MASTER_ID) {
      if (registerFirst || this.isBrokerTopicConfigChanged(clusterName, brokerAddr, wrapper.dataVersion)) {
        for (const config of Object.values(wrapper.topicConfigTable)) this.createAndUpdateQueueData(brokerName, config);
      }
    }

    const key = liveKey(clusterName, brokerAddr);
    this.brokerLiveTable.set(key, {
      clusterName,
      brokerAddr,
      lastUpdateTimestamp: now,
      heartbeatTimeoutMs: params.heartbeatTimeoutMs ?? this.defaultHeartbeatTimeoutMs,
      dataVersion: { ...wrapper.dataVersion },
      connection: params.connection,
      haServerAddr: params.haServerAddr,
    });
    if (params.filterServerList.length === 0) this.filterServerTable.delete(key);
    else this.filterServerTable.set(key, [...params.filterServerList]);

    const outcome: RegisterBrokerOutcome = {};
    if (brokerId !== MASTER_ID) {
      const masterAddr = entry.addrs.get(MASTER_ID);
      const master = masterAddr === undefined ? undefined : this.brokerLiveTable.get(liveKey(clusterName, masterAddr));
      if (masterAddr !== undefined && master !== undefined) {
        outcome.masterAddr = masterAddr;
        outcome.haServerAddr = master.haServerAddr;
      }
    }
    return outcome;
  }

  /** UNREGISTER_BROKER: same removal as an expiry (8.4). */
  unregisterBroker(clusterName: string, brokerAddr: string): RemovedBroker {
    return this.removeBrokerAddress(clusterName, brokerAddr);
  }

  /** Every broker address registered over `connection` (which just closed) is removed. */
  onConnectionClosed(connection: RemotingConnection): RemovedBroker[] {
    const removed: RemovedBroker[] = [];
    for (const info of [...this.brokerLiveTable.values()]) {
      if (info.connection === connection) removed.push(this.removeBrokerAddress(info.clusterName, info.brokerAddr));
    }
    return removed;
  }

  /**
   * Removes brokers silent for longer than their own timeout. The caller closes their connections as Java
   * does (once no other live broker uses them): a silent broker with an open socket is likely stuck.
   */
  scanNotActiveBroker(now: number = Date.now()): RemovedBroker[] {
    const removed: RemovedBroker[] = [];
    for (const info of [...this.brokerLiveTable.values()]) {
      if (info.lastUpdateTimestamp + info.heartbeatTimeoutMs < now) {
        removed.push(this.removeBrokerAddress(info.clusterName, info.brokerAddr));
      }
    }
    return removed;
  }

  /** BROKER_HEARTBEAT / QUERY_DATA_VERSION: refreshes liveness; false when the broker is not registered. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string, now: number = Date.now()): boolean {
    const info = this.brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    if (info === undefined) return false;
    info.lastUpdateTimestamp = now;
    return true;
  }

  /** The DataVersion the broker last registered with. */
  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(liveKey(clusterName, brokerAddr))?.dataVersion;
  }

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    const previous = this.queryBrokerTopicConfig(clusterName, brokerAddr);
    return previous === undefined || !sameDataVersion(previous, dataVersion);
  }

  getBrokerLiveInfo(clusterName: string, brokerAddr: string): Readonly<BrokerLiveInfo> | undefined {
    return this.brokerLiveTable.get(liveKey(clusterName, brokerAddr));
  }

  /** Whether a live broker still registers over `connection`. */
  isConnectionInUse(connection: RemotingConnection): boolean {
    for (const info of this.brokerLiveTable.values()) {
      if (info.connection === connection) return true;
    }
    return false;
  }

  /** Live broker addresses (every cluster). */
  get liveBrokerCount(): number {
    return this.brokerLiveTable.size;
  }

  /** GET_ROUTEINFO_BY_TOPIC (8.5); undefined when the topic has no queue data or none of its brokers is known. */
  pickupTopicRouteData(topic: string): TopicRouteDataDraft | undefined {
    const queueDataMap = this.topicQueueTable.get(topic);
    if (queueDataMap === undefined || queueDataMap.size === 0) return undefined;
    const queueDatas = [...queueDataMap.values()].map((data) => ({ ...data }));
    const brokerDatas: BrokerData[] = [];
    const filterServerTable: Record<string, string[]> = {};
    for (const brokerName of queueDataMap.keys()) {
      const entry = this.brokerAddrTable.get(brokerName);
      if (entry === undefined) continue;
      const data = toBrokerData(entry);
      brokerDatas.push(data);
      for (const addr of entry.addrs.values()) {
        const servers = this.filterServerTable.get(liveKey(entry.cluster, addr));
        if (servers !== undefined) filterServerTable[addr] = [...servers];
      }
    }
    if (brokerDatas.length === 0) return undefined;
    return { queueDatas, brokerDatas, filterServerTable };
  }

  /** GET_BROKER_CLUSTER_INFO */
  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const [name, entry] of this.brokerAddrTable) brokerAddrTable[name] = toBrokerData(entry);
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusterAddrTable) clusterAddrTable[cluster] = [...names];
    return { brokerAddrTable, clusterAddrTable };
  }

  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER */
  getAllTopicList(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  /** GET_TOPICS_BY_CLUSTER: topics with queue data on any broker name of the cluster. */
  getTopicsByCluster(cluster: string): string[] {
    const brokerNames = this.clusterAddrTable.get(cluster);
    if (brokerNames === undefined) return [];
    const topics: string[] = [];
    for (const [topic, queueDataMap] of this.topicQueueTable) {
      for (const brokerName of brokerNames) {
        if (queueDataMap.has(brokerName)) {
          topics.push(topic);
          break;
        }
      }
    }
    return topics;
  }

  /** Topics whose first queue data carries the unit flags asked for (Java looks at the first one only). */
  getUnitTopics(kind: UnitTopicKind): string[] {
    const topics: string[] = [];
    for (const [topic, queueDataMap] of this.topicQueueTable) {
      const first = queueDataMap.values().next();
      if (first.done === true) continue;
      const flag = first.value.topicSysFlag;
      const unit = (flag & TopicSysFlag.UNIT) !== 0;
      const unitSub = (flag & TopicSysFlag.UNIT_SUB) !== 0;
      if (kind === 'unit' ? unit : kind === 'unitSub' ? unitSub : unitSub && !unit) topics.push(topic);
    }
    return topics;
  }

  /**
   * GET_SYSTEM_TOPIC_LIST_FROM_NS: the cluster names and broker names (topics named after them exist on
   * brokers with clusterTopicEnable/brokerTopicEnable), plus the address of one broker to ask for the rest.
   */
  getSystemTopicList(): TopicList {
    const topics = new Set<string>();
    for (const [cluster, names] of this.clusterAddrTable) {
      topics.add(cluster);
      for (const name of names) topics.add(name);
    }
    const list: TopicList = { topicList: [...topics] };
    for (const entry of this.brokerAddrTable.values()) {
      const lowestId = Math.min(...entry.addrs.keys());
      const addr = entry.addrs.get(lowestId);
      if (addr !== undefined) {
        list.brokerAddr = addr;
        break;
      }
    }
    return list;
  }

  /** DELETE_TOPIC_IN_NAMESRV: the whole topic, or only its queue data on the brokers of `clusterName`. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (clusterName === undefined || clusterName.trim() === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const queueDataMap = this.topicQueueTable.get(topic);
    const brokerNames = this.clusterAddrTable.get(clusterName);
    if (queueDataMap === undefined || brokerNames === undefined) return;
    for (const name of brokerNames) queueDataMap.delete(name);
    if (queueDataMap.size === 0) this.topicQueueTable.delete(topic);
  }

  /**
   * REGISTER_TOPIC_IN_NAMESRV [5.x]: adds queue data for known broker names. Returns the first unknown broker
   * name (nothing is changed then), or undefined on success.
   */
  registerTopic(topic: string, queueDatas: readonly QueueData[]): string | undefined {
    const unknown = queueDatas.find((data) => !this.brokerAddrTable.has(data.brokerName));
    if (unknown !== undefined) return unknown.brokerName;
    if (queueDatas.length === 0) return undefined;
    let queueDataMap = this.topicQueueTable.get(topic);
    if (queueDataMap === undefined) {
      queueDataMap = new Map();
      this.topicQueueTable.set(topic, queueDataMap);
    }
    for (const data of queueDatas) queueDataMap.set(data.brokerName, { ...data });
    return undefined;
  }

  /** WIPE_WRITE_PERM_OF_BROKER: clears the write bit on every topic of the broker name; returns the topic count. */
  wipeWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, (perm) => perm & ~Perm.WRITE);
  }

  /** ADD_WRITE_PERM_OF_BROKER: sets READ|WRITE on every topic of the broker name; returns the topic count. */
  addWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, () => Perm.READ | Perm.WRITE);
  }

  private operateWritePerm(brokerName: string, update: (perm: number) => number): number {
    let count = 0;
    for (const queueDataMap of this.topicQueueTable.values()) {
      const data = queueDataMap.get(brokerName);
      if (data === undefined) continue;
      data.perm = update(data.perm);
      count++;
    }
    return count;
  }

  private createAndUpdateQueueData(brokerName: string, config: TopicConfig): void {
    const data: QueueData = {
      brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag,
    };
    let queueDataMap = this.topicQueueTable.get(config.topicName);
    if (queueDataMap === undefined) {
      queueDataMap = new Map();
      this.topicQueueTable.set(config.topicName, queueDataMap);
    }
    queueDataMap.set(brokerName, data);
  }

  /**
   * Removal of address A in cluster C (broker-semantics.md 8.4): A leaves brokerLiveTable, filterServerTable
   * and the brokerAddrs of every broker name of C holding it; a broker name left without addresses leaves
   * brokerAddrTable, its cluster sets (an empty cluster goes too) and every topic (a topic left without
   * queue data goes too). A master leaving while its slave lives keeps the topics' queue data.
   */
  private removeBrokerAddress(clusterName: string, brokerAddr: string): RemovedBroker {
    const key = liveKey(clusterName, brokerAddr);
    const connection = this.brokerLiveTable.get(key)?.connection ?? null;
    this.brokerLiveTable.delete(key);
    this.filterServerTable.delete(key);
    const removedBrokerNames: string[] = [];
    for (const [name, entry] of [...this.brokerAddrTable]) {
      if (entry.cluster !== clusterName) continue;
      for (const [id, addr] of entry.addrs) {
        if (addr === brokerAddr) entry.addrs.delete(id);
      }
      if (entry.addrs.size > 0) continue;
      this.brokerAddrTable.delete(name);
      removedBrokerNames.push(name);
      for (const [cluster, names] of this.clusterAddrTable) {
        names.delete(name);
        if (names.size === 0) this.clusterAddrTable.delete(cluster);
      }
      for (const [topic, queueDataMap] of this.topicQueueTable) {
        queueDataMap.delete(name);
        if (queueDataMap.size === 0) this.topicQueueTable.delete(topic);
      }
    }
    return { clusterName, brokerAddr, removedBrokerNames, connection };
  }
}

/** A route before the KV config adds `orderTopicConf`. */
export interface TopicRouteDataDraft {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
}

function liveKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

function toBrokerData(entry: BrokerEntry): BrokerData {
  const brokerAddrs: Record<string, string> = {};
  for (const id of [...entry.addrs.keys()].sort((a, b) => a - b)) {
    brokerAddrs[String(id)] = entry.addrs.get(id) ?? '';
  }
  const data: BrokerData = {
    cluster: entry.cluster,
    brokerName: entry.brokerName,
    brokerAddrs,
    enableActingMaster: entry.enableActingMaster,
  };
  if (entry.zoneName !== undefined) data.zoneName = entry.zoneName;
  return data;
}

/** Java DataVersion.equals: timestamp, counter and (5.x) stateVersion. */
function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.timestamp === b.timestamp && a.counter === b.counter && (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}
