import {
  DEFAULT_BROKER_REGISTER_PERIOD_MS,
  DEFAULT_SERVER_VERSION,
  Logger,
  MQVersion,
  NOOP_LOGGER,
  Perm,
  RemotingError,
  TopicConfigSerializeWrapper,
} from '@rocketnest/protocol';

/** Who registers (remoting-protocol.md 2.10.1 header fields). */
export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  /** 0 = master, >= 1 = slave. */
  brokerId: number;
  /** `brokerIP1:listenPort`, the address clients use. */
  brokerAddr: string;
  /** `brokerIP2:haListenPort` (Java: listenPort + 1). */
  haServerAddr: string;
  /** [5.x] sent as the `__ZONE_NAME` ext field when set. */
  zoneName?: string;
}

/** Settings of BrokerRegistrationClient; Java BrokerConfig names in brackets where they differ. */
export interface BrokerRegistrationOptions {
  /** NameServers (`host:port`); the broker registers with every one of them. */
  namesrvAddrs: readonly string[];
  /** The identity, or a function read at every registration (the listen port may be known late). */
  identity: BrokerIdentity | (() => BrokerIdentity);
  /** The current topic table and its DataVersion, read at every registration. */
  topicConfigs: () => TopicConfigSerializeWrapper;
  /**
   * [registerNameServerPeriod] period of the full re-registration. Java clamps it to 10..60 s; we do not, so
   * tests may register every few milliseconds. Keep it well under the NameServers' expiry (120 s).
   */
  registerNameServerPeriodMs?: number;
  /** @deprecated former name of registerNameServerPeriodMs, read when that one is undefined. */
  registerPeriodMs?: number;
  /**
   * [registerBrokerTimeoutMills] bound of each REGISTER_BROKER / UNREGISTER_BROKER call; all NameServers are
   * asked in parallel, so registerAll() takes at most this long (Java: 6 s in 4.x, 24 s in 5.x).
   */
  registerBrokerTimeoutMs?: number;
  /** [5.x] header `heartbeatTimeoutMillis`: the expiry the NameServer applies to us; null = its default. */
  heartbeatTimeoutMs?: number | null;
  /** [5.x] header `enableActingMaster`, sent as Java 5.x brokers do (4.x NameServers ignore it). */
  enableActingMaster?: boolean;
  /** [compressedRegister] zlib body instead of JSON (Java default off). */
  compressed?: boolean;
  /**
   * The broker's permission (Perm bits), read at every registration. When it is not READ|WRITE every topic is
   * registered with it instead of its own perm, as Java does, so producers stop writing to a read-only broker.
   */
  brokerPermission?: () => number;
  /** `version` of our requests: >= 401 (V4_9_4); below 37 a NameServer would misread the body. */
  requestVersion?: number;
  logger?: Logger;
}

type OptionalKeys =
  | 'registerNameServerPeriodMs'
  | 'registerBrokerTimeoutMs'
  | 'heartbeatTimeoutMs'
  | 'enableActingMaster'
  | 'compressed'
  | 'brokerPermission'
  | 'requestVersion'
  | 'logger';

export const DEFAULT_BROKER_REGISTRATION_OPTIONS: Readonly<Required<Pick<BrokerRegistrationOptions, OptionalKeys>>> =
  Object.freeze({
    registerNameServerPeriodMs: DEFAULT_BROKER_REGISTER_PERIOD_MS,
    registerBrokerTimeoutMs: 6000,
    heartbeatTimeoutMs: null,
    enableActingMaster: false,
    compressed: false,
    brokerPermission: () => Perm.READ | Perm.WRITE,
    requestVersion: DEFAULT_SERVER_VERSION,
    logger: NOOP_LOGGER,
  });

export interface ResolvedBrokerRegistrationOptions extends Readonly<
  Required<Pick<BrokerRegistrationOptions, OptionalKeys>>
> {
  readonly namesrvAddrs: readonly string[];
  readonly identity: () => BrokerIdentity;
  readonly topicConfigs: () => TopicConfigSerializeWrapper;
}

export function resolveBrokerRegistrationOptions(
  options: BrokerRegistrationOptions,
): ResolvedBrokerRegistrationOptions {
  const defaults = DEFAULT_BROKER_REGISTRATION_OPTIONS;
  const identity = options.identity;
  const resolved: ResolvedBrokerRegistrationOptions = {
    namesrvAddrs: Object.freeze([...options.namesrvAddrs]),
    identity: typeof identity === 'function' ? identity : () => identity,
    topicConfigs: options.topicConfigs,
    registerNameServerPeriodMs:
      options.registerNameServerPeriodMs ?? options.registerPeriodMs ?? defaults.registerNameServerPeriodMs,
    registerBrokerTimeoutMs: options.registerBrokerTimeoutMs ?? defaults.registerBrokerTimeoutMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? defaults.heartbeatTimeoutMs,
    enableActingMaster: options.enableActingMaster ?? defaults.enableActingMaster,
    compressed: options.compressed ?? defaults.compressed,
    brokerPermission: options.brokerPermission ?? defaults.brokerPermission,
    requestVersion: options.requestVersion ?? defaults.requestVersion,
    logger: options.logger ?? defaults.logger,
  };
  for (const key of ['registerNameServerPeriodMs', 'registerBrokerTimeoutMs'] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new RemotingError(`BrokerRegistrationClient: ${key} must be > 0, got ${value}`);
    }
  }
  const heartbeat = resolved.heartbeatTimeoutMs;
  if (heartbeat !== null && (!Number.isInteger(heartbeat) || heartbeat <= 0)) {
    throw new RemotingError(
      `BrokerRegistrationClient: heartbeatTimeoutMs must be a positive integer, got ${heartbeat}`,
    );
  }
  if (!Number.isInteger(resolved.requestVersion) || resolved.requestVersion < MQVersion.V4_9_4) {
    throw new RemotingError(
      `BrokerRegistrationClient: requestVersion must be >= ${MQVersion.V4_9_4}, got ${resolved.requestVersion}`,
    );
  }
  return Object.freeze(resolved);
}
