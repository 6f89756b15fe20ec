/**
 * Apache RocketMQ reference cluster (one NameServer + one master Broker) for interop tests and benchmarks.
 * Optional at run time: Rocketnest never needs Java. When java, mvn or Maven Central is missing,
 * startApacheCluster() rejects with ApacheUnavailableError and callers skip.
 *
 *   const cluster = await startApacheCluster({ messageDelayLevel: '1s 1s 1s' });
 *   try { ... cluster.namesrvAddr ... } finally { await cluster.stop(); }
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ApacheUnavailableError,
  DEFAULT_APACHE_ROCKETMQ_VERSION,
  defaultCacheDir,
  ensureApacheDistribution,
} from './distribution-cache.js';
import { pickBrokerPort, pickFreePort } from './free-port-finder.js';
import { killQuietly, spawnJvm, spawnWatchdog, stopJvm, tailOf, type JvmProcess } from './jvm-process.js';
import { probeRequest } from './remoting-probe.js';

export { ApacheUnavailableError, DEFAULT_APACHE_ROCKETMQ_VERSION } from './distribution-cache.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type SerializeType = 'JSON' | 'ROCKETMQ';

export interface ApacheClusterOptions {
  /** Apache RocketMQ release (Maven version of rocketmq-namesrv / rocketmq-broker). */
  readonly version?: string;
  /** Download cache; one sub-folder per version. Default ~/.cache/rocketnest/apache-rocketmq. */
  readonly cacheDir?: string;
  readonly clusterName?: string;
  readonly brokerName?: string;
  readonly flushDiskType?: FlushDiskType;
  /** Broker `messageDelayLevel`, e.g. '1s 1s 1s 1s ...' so retries come back quickly. Undefined = Apache default. */
  readonly messageDelayLevel?: string;
  /** Broker `transactionCheckInterval` (Apache 5.x default 30000 ms, 4.x 60000 ms). */
  readonly transactionCheckIntervalMs?: number;
  /** Broker `transactionTimeOut`: age before a half message is checked back (Apache default 6000 ms). */
  readonly transactionTimeOutMs?: number;
  /** Broker `transactionCheckMax` (Apache default 15). */
  readonly transactionCheckMax?: number;
  /**
   * Broker `transactionOpBatchInterval` [5.x] (default 3000 ms): op ("done") records are written in batches, so a
   * transaction ended less than this long ago still looks open. Keep transactionTimeOutMs above it, or lower
   * it, or the broker checks back transactions that were already committed or rolled back.
   */
  readonly transactionOpBatchIntervalMs?: number;
  /** Extra broker properties (BrokerConfig, MessageStoreConfig, NettyServerConfig keys); win over ours. */
  readonly brokerConfig?: Readonly<Record<string, string>>;
  /** Extra NameServer properties. */
  readonly namesrvConfig?: Readonly<Record<string, string>>;
  /** Default header serialization of both servers (JVM property rocketmq.serialize.type). */
  readonly serializeType?: SerializeType;
  readonly brokerHeapMb?: number;
  readonly namesrvHeapMb?: number;
  /** Bound on starting both JVMs and seeing them answer (download excluded). */
  readonly startTimeoutMs?: number;
  /** Bound on the first Maven download. */
  readonly downloadTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL on stop. */
  readonly stopGraceMs?: number;
  /**
   * Address the broker registers with, given the NameServer's real address: lets a capturing proxy sit
   * between broker and NameServer (REGISTER_BROKER). Default: the NameServer itself.
   */
  readonly brokerNamesrvAddr?: (namesrvAddr: string) => string | Promise<string>;
  /**
   * True (default): the JVMs die with this Node process (exit hook + a watchdog for SIGKILL).
   * False: they keep running after it exits (start.sh); stop them with stopApacheClusterFromState().
   */
  readonly ownedByProcess?: boolean;
  /** Keep the temp folder (store and logs) after stop, for debugging. */
  readonly keepTempDir?: boolean;
  /** Where the cluster's temp folder (store, logs, configs) is created. Default: the OS temp dir. */
  readonly tempParentDir?: string;
  readonly log?: (line: string) => void;
}

export interface ResolvedApacheClusterOptions {
  readonly version: string;
  readonly cacheDir: string;
  readonly clusterName: string;
  readonly brokerName: string;
  readonly flushDiskType: FlushDiskType;
  readonly messageDelayLevel: string | undefined;
  readonly transactionCheckIntervalMs: number | undefined;
  readonly transactionTimeOutMs: number | undefined;
  readonly transactionCheckMax: number | undefined;
  readonly transactionOpBatchIntervalMs: number | undefined;
  readonly brokerConfig: Readonly<Record<string, string>>;
  readonly namesrvConfig: Readonly<Record<string, string>>;
  readonly serializeType: SerializeType | undefined;
  readonly brokerHeapMb: number;
  readonly namesrvHeapMb: number;
  readonly startTimeoutMs: number;
  readonly downloadTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly brokerNamesrvAddr: ((namesrvAddr: string) => string | Promise<string>) | undefined;
  readonly ownedByProcess: boolean;
  readonly keepTempDir: boolean;
  readonly tempParentDir: string | undefined;
  readonly log: (line: string) => void;
}

export const DEFAULT_APACHE_CLUSTER_OPTIONS: Readonly<Omit<ResolvedApacheClusterOptions, 'cacheDir'>> = Object.freeze({
  version: DEFAULT_APACHE_ROCKETMQ_VERSION,
  clusterName: 'RocketnestInterop',
  brokerName: 'broker-a',
  flushDiskType: 'ASYNC_FLUSH',
  messageDelayLevel: undefined,
  transactionCheckIntervalMs: undefined,
  transactionTimeOutMs: undefined,
  transactionCheckMax: undefined,
  transactionOpBatchIntervalMs: undefined,
  brokerConfig: Object.freeze({}),
  namesrvConfig: Object.freeze({}),
  serializeType: undefined,
  brokerHeapMb: 1024,
  namesrvHeapMb: 256,
  startTimeoutMs: 120_000,
  downloadTimeoutMs: 600_000,
  stopGraceMs: 3_000,
  brokerNamesrvAddr: undefined,
  ownedByProcess: true,
  keepTempDir: false,
  tempParentDir: undefined,
  log: (): void => undefined,
});

export function resolveApacheClusterOptions(options: ApacheClusterOptions = {}): ResolvedApacheClusterOptions {
  const d = DEFAULT_APACHE_CLUSTER_OPTIONS;
  return {
    version: options.version ?? d.version,
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    clusterName: options.clusterName ?? d.clusterName,
    brokerName: options.brokerName ?? d.brokerName,
    flushDiskType: options.flushDiskType ?? d.flushDiskType,
    messageDelayLevel: options.messageDelayLevel ?? d.messageDelayLevel,
    transactionCheckIntervalMs: options.transactionCheckIntervalMs ?? d.transactionCheckIntervalMs,
    transactionTimeOutMs: options.transactionTimeOutMs ?? d.transactionTimeOutMs,
    transactionCheckMax: options.transactionCheckMax ?? d.transactionCheckMax,
    transactionOpBatchIntervalMs: options.transactionOpBatchIntervalMs ?? d.transactionOpBatchIntervalMs,
    brokerConfig: options.brokerConfig ?? d.brokerConfig,
    namesrvConfig: options.namesrvConfig ?? d.namesrvConfig,
    serializeType: options.serializeType ?? d.serializeType,
    brokerHeapMb: options.brokerHeapMb ?? d.brokerHeapMb,
    namesrvHeapMb: options.namesrvHeapMb ?? d.namesrvHeapMb,
    startTimeoutMs: options.startTimeoutMs ?? d.startTimeoutMs,
    downloadTimeoutMs: options.downloadTimeoutMs ?? d.downloadTimeoutMs,
    stopGraceMs: options.stopGraceMs ?? d.stopGraceMs,
    brokerNamesrvAddr: options.brokerNamesrvAddr ?? d.brokerNamesrvAddr,
    ownedByProcess: options.ownedByProcess ?? d.ownedByProcess,
    keepTempDir: options.keepTempDir ?? d.keepTempDir,
    tempParentDir: options.tempParentDir ?? d.tempParentDir,
    log: options.log ?? d.log,
  };
}

export interface ApacheClusterTimings {
  /** True when this start downloaded the jars first. */
  readonly downloaded: boolean;
  readonly downloadMs: number;
  readonly namesrvReadyMs: number;
  /** From broker spawn to the broker answering and its route being visible on the NameServer. */
  readonly brokerReadyMs: number;
  readonly totalMs: number;
}

/** Everything needed to find and stop a running cluster from another process (start.sh / stop.sh). */
export interface ApacheClusterState {
  readonly version: string;
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  readonly clusterName: string;
  readonly brokerName: string;
  readonly namesrvPid: number;
  readonly brokerPid: number;
  readonly tempDir: string;
  readonly logDir: string;
}

export interface ApacheCluster extends ApacheClusterState {
  readonly namesrvPort: number;
  readonly brokerPort: number;
  /** listenPort - 2: Apache's "fast" server, always bound by a 5.x broker. */
  readonly brokerVipPort: number;
  /** listenPort + 1: HA (binds every interface; nothing connects to it here). */
  readonly brokerHaPort: number;
  readonly storeDir: string;
  readonly timings: ApacheClusterTimings;
  stop(): Promise<void>;
  toState(): ApacheClusterState;
}

const GET_ROUTEINFO_BY_TOPIC = 105;
const GET_BROKER_RUNTIME_INFO = 28;
const SUCCESS = 0;
const POLL_INTERVAL_MS = 200;
const PROBE_TIMEOUT_MS = 2_000;
const MAX_PORT_ATTEMPTS = 3;

const JVM_OPENS = [
  '--add-opens',
  'java.base/java.nio=ALL-UNNAMED',
  '--add-opens',
  'java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-exports',
  'java.base/sun.nio.ch=ALL-UNNAMED',
];

function propertiesText(entries: Readonly<Record<string, string>>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
    .concat('\n');
}

function jvmArgs(
  options: ResolvedApacheClusterOptions,
  heapMb: number,
  directMb: number,
  homeDir: string,
  libDir: string,
): string[] {
  const args = [
    `-Xms${Math.min(512, heapMb)}m`,
    `-Xmx${heapMb}m`,
    `-XX:MaxDirectMemorySize=${directMb}m`,
    '-XX:+UseG1GC',
    // Apache writes its logs to ${user.home}/logs/rocketmqlogs and namesrv kv config to ${user.home}/namesrv:
    // both land in the temp folder.
    `-Duser.home=${homeDir}`,
    `-Drocketmq.home.dir=${homeDir}`,
    // The broker refuses writes above 90 % disk use by default; a shared CI disk must not fail the peer.
    '-Drocketmq.broker.diskSpaceWarningLevelRatio=0.98',
    ...JVM_OPENS,
  ];
  if (options.serializeType !== undefined) args.push(`-Drocketmq.serialize.type=${options.serializeType}`);
  args.push('-cp', `${libDir}${path.sep}*`);
  return args;
}

class StartFailure extends Error {
  override readonly name = 'StartFailure';
  constructor(
    message: string,
    readonly portConflict: boolean,
  ) {
    super(message);
  }
}

async function waitUntil(
  what: string,
  deadline: number,
  jvm: JvmProcess,
  attempt: () => Promise<boolean>,
): Promise<void> {
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (jvm.hasExited()) {
      const log = tailOf(jvm.logFile);
      throw new StartFailure(
        `${jvm.name} (pid ${jvm.pid}) exited while waiting for ${what}:\n${log}`,
        /Address already in use|BindException/i.test(log),
      );
    }
    try {
      if (await attempt()) return;
      lastError = 'answered, not ready yet';
    } catch (error: unknown) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new StartFailure(
    `timed out waiting for ${what} (last: ${lastError}); log tail:\n${tailOf(jvm.logFile)}`,
    false,
  );
}

/** Starts NameServer and Broker (downloading the jars first if needed) and waits until both answer. */
export async function startApacheCluster(options: ApacheClusterOptions = {}): Promise<ApacheCluster> {
  const resolved = resolveApacheClusterOptions(options);
  const started = Date.now();
  const distribution = await ensureApacheDistribution({
    version: resolved.version,
    cacheDir: resolved.cacheDir,
    downloadTimeoutMs: resolved.downloadTimeoutMs,
  });
  resolved.log(
    `apache-rocketmq ${resolved.version}: jars in ${distribution.libDir} (${
      distribution.downloaded ? `downloaded in ${distribution.elapsedMs} ms` : 'cached'
    })`,
  );
  const tempDir = await mkdtemp(path.join(resolved.tempParentDir ?? os.tmpdir(), 'rocketnest-apache-'));
  const startDeadline = Date.now() + resolved.startTimeoutMs;
  const jvms: JvmProcess[] = [];
  let watchdogPid: number | undefined;
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const launched = await launch(resolved, distribution.libDir, tempDir, startDeadline, jvms);
        if (resolved.ownedByProcess) {
          watchdogPid = spawnWatchdog(
            process.pid,
            jvms.map((jvm) => jvm.pid),
            tempDir,
          );
        }
        const timings: ApacheClusterTimings = {
          downloaded: distribution.downloaded,
          downloadMs: distribution.elapsedMs,
          namesrvReadyMs: launched.namesrvReadyMs,
          brokerReadyMs: launched.brokerReadyMs,
          totalMs: Date.now() - started,
        };
        return makeCluster(resolved, tempDir, launched, jvms, timings, () => watchdogPid);
      } catch (error: unknown) {
        await Promise.all(jvms.splice(0).map((jvm) => stopJvm(jvm, 0)));
        if (error instanceof StartFailure && error.portConflict && attempt < MAX_PORT_ATTEMPTS) {
          resolved.log(`apache-rocketmq: port taken during start, retrying (${attempt}/${MAX_PORT_ATTEMPTS})`);
          continue;
        }
        throw error;
      }
    }
  } catch (error: unknown) {
    killQuietly(watchdogPid);
    await Promise.all(jvms.map((jvm) => stopJvm(jvm, 0)));
    if (!resolved.keepTempDir) await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

interface Launched {
  readonly namesrv: JvmProcess;
  readonly broker: JvmProcess;
  readonly namesrvPort: number;
  readonly brokerPort: number;
  readonly storeDir: string;
  readonly logDir: string;
  readonly namesrvReadyMs: number;
  readonly brokerReadyMs: number;
}

async function launch(
  options: ResolvedApacheClusterOptions,
  libDir: string,
  tempDir: string,
  deadline: number,
  jvms: JvmProcess[],
): Promise<Launched> {
  const homeDir = path.join(tempDir, 'home');
  const storeDir = path.join(tempDir, 'store');
  const logDir = path.join(homeDir, 'logs', 'rocketmqlogs');
  await rm(storeDir, { recursive: true, force: true });
  await mkdir(homeDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_HOME: homeDir };
  delete env.ROCKETMQ_SERIALIZE_TYPE;

  const namesrvPort = await pickFreePort();
  const namesrvConf = path.join(tempDir, 'namesrv.properties');
  await writeFile(
    namesrvConf,
    propertiesText({ listenPort: String(namesrvPort), bindAddress: '127.0.0.1', ...options.namesrvConfig }),
  );
  const namesrvStarted = Date.now();
  const namesrv = spawnJvm(
    'namesrv',
    [
      ...jvmArgs(options, options.namesrvHeapMb, 128, homeDir, libDir),
      'org.apache.rocketmq.namesrv.NamesrvStartup',
      '-c',
      namesrvConf,
    ],
    path.join(tempDir, 'namesrv.out'),
    env,
    options.ownedByProcess,
  );
  jvms.push(namesrv);
  // Any decoded answer means the NameServer serves requests (TOPIC_NOT_EXIST until the broker registers).
  await waitUntil('the NameServer to answer', deadline, namesrv, async () => {
    await probeRequest('127.0.0.1', namesrvPort, GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }, PROBE_TIMEOUT_MS);
    return true;
  });
  const namesrvReadyMs = Date.now() - namesrvStarted;

  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  const registerWith =
    options.brokerNamesrvAddr === undefined ? namesrvAddr : await options.brokerNamesrvAddr(namesrvAddr);
  const brokerPort = await pickBrokerPort([namesrvPort]);
  const brokerConf = path.join(tempDir, 'broker.properties');
  const brokerProps: Record<string, string> = {
    brokerClusterName: options.clusterName,
    brokerName: options.brokerName,
    brokerId: '0',
    brokerRole: 'ASYNC_MASTER',
    namesrvAddr: registerWith,
    listenPort: String(brokerPort),
    bindAddress: '127.0.0.1',
    brokerIP1: '127.0.0.1',
    // HA address advertised in REGISTER_BROKER (defaults to a non-loopback host address).
    brokerIP2: '127.0.0.1',
    storePathRootDir: storeDir,
    storePathCommitLog: path.join(storeDir, 'commitlog'),
    flushDiskType: options.flushDiskType,
    autoCreateTopicEnable: 'true',
    autoCreateSubscriptionGroup: 'true',
    // Small segments: the defaults (1 GiB commit log, 5.7 MiB consume queue, 400 MiB index) are sized for
    // production disks; sparse or not, they are pointless for a test peer.
    mappedFileSizeCommitLog: String(64 * 1024 * 1024),
    mappedFileSizeConsumeQueue: String(60_000 * 20),
    maxHashSlotNum: '50000',
    maxIndexNum: '200000',
  };
  if (options.messageDelayLevel !== undefined) brokerProps.messageDelayLevel = options.messageDelayLevel;
  if (options.transactionCheckIntervalMs !== undefined) {
    brokerProps.transactionCheckInterval = String(options.transactionCheckIntervalMs);
  }
  if (options.transactionTimeOutMs !== undefined) brokerProps.transactionTimeOut = String(options.transactionTimeOutMs);
  if (options.transactionCheckMax !== undefined) brokerProps.transactionCheckMax = String(options.transactionCheckMax);
  if (options.transactionOpBatchIntervalMs !== undefined) {
    brokerProps.transactionOpBatchInterval = String(options.transactionOpBatchIntervalMs);
  }
  await writeFile(brokerConf, propertiesText({ ...brokerProps, ...options.brokerConfig }));
  const brokerStarted = Date.now();
  const broker = spawnJvm(
    'broker',
    [
      ...jvmArgs(options, options.brokerHeapMb, 512, homeDir, libDir),
      'org.apache.rocketmq.broker.BrokerStartup',
      '-c',
      brokerConf,
    ],
    path.join(tempDir, 'broker.out'),
    env,
    options.ownedByProcess,
  );
  jvms.push(broker);
  await waitUntil('the broker to answer', deadline, broker, async () => {
    const response = await probeRequest('127.0.0.1', brokerPort, GET_BROKER_RUNTIME_INFO, {}, PROBE_TIMEOUT_MS);
    return response.code === SUCCESS;
  });
  // Ready for clients only once the NameServer routes TBW102 to this broker (auto-create needs it).
  await waitUntil('the broker to register with the NameServer', deadline, broker, async () => {
    const response = await probeRequest(
      '127.0.0.1',
      namesrvPort,
      GET_ROUTEINFO_BY_TOPIC,
      { topic: 'TBW102' },
      PROBE_TIMEOUT_MS,
    );
    return response.code === SUCCESS && response.body.includes(`127.0.0.1:${brokerPort}`);
  });
  const brokerReadyMs = Date.now() - brokerStarted;
  return { namesrv, broker, namesrvPort, brokerPort, storeDir, logDir, namesrvReadyMs, brokerReadyMs };
}

function makeCluster(
  options: ResolvedApacheClusterOptions,
  tempDir: string,
  launched: Launched,
  jvms: readonly JvmProcess[],
  timings: ApacheClusterTimings,
  watchdog: () => number | undefined,
): ApacheCluster {
  let stopping: Promise<void> | undefined;
  const state: ApacheClusterState = {
    version: options.version,
    namesrvAddr: `127.0.0.1:${launched.namesrvPort}`,
    brokerAddr: `127.0.0.1:${launched.brokerPort}`,
    clusterName: options.clusterName,
    brokerName: options.brokerName,
    namesrvPid: launched.namesrv.pid,
    brokerPid: launched.broker.pid,
    tempDir,
    logDir: launched.logDir,
  };
  const stop = (): Promise<void> => {
    stopping ??= (async (): Promise<void> => {
      killQuietly(watchdog());
      // Both at once: the cluster and its store are thrown away, so unregistering first buys nothing.
      await Promise.all([
        stopJvm(launched.broker, options.stopGraceMs),
        stopJvm(launched.namesrv, options.stopGraceMs),
      ]);
      await Promise.all(jvms.map((jvm) => stopJvm(jvm, 0)));
      if (!options.keepTempDir) await rm(tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return {
    ...state,
    namesrvPort: launched.namesrvPort,
    brokerPort: launched.brokerPort,
    brokerVipPort: launched.brokerPort - 2,
    brokerHaPort: launched.brokerPort + 1,
    storeDir: launched.storeDir,
    timings,
    stop,
    toState: () => state,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}

/** True when `pid` is still the JVM we started (its command line names our temp folder): guards PID reuse. */
function ownsPid(pid: number, tempDir: string): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return processAlive(pid);
  try {
    return readFileSync(cmdline, 'utf8').includes(tempDir);
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  }
}

/** Stops a cluster started by another process (ownedByProcess: false), from its saved state. */
export async function stopApacheClusterFromState(state: ApacheClusterState, graceMs = 10_000): Promise<void> {
  for (const pid of [state.brokerPid, state.namesrvPid]) {
    if (!ownsPid(pid, state.tempDir)) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (processAlive(pid) && ownsPid(pid, state.tempDir) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    if (processAlive(pid) && ownsPid(pid, state.tempDir)) process.kill(pid, 'SIGKILL');
  }
  await rm(state.tempDir, { recursive: true, force: true });
}

/** Convenience for suites: a cluster, or the reason it cannot run here (print it and skip). */
export async function tryStartApacheCluster(
  options: ApacheClusterOptions = {},
): Promise<{ readonly cluster: ApacheCluster } | { readonly skipReason: string }> {
  try {
    return { cluster: await startApacheCluster(options) };
  } catch (error: unknown) {
    if (error instanceof ApacheUnavailableError) return { skipReason: error.message };
    throw error;
  }
}
