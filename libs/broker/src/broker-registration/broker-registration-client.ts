/**
 * A broker's registration with every NameServer (broker-semantics.md 8.3, remoting-protocol.md 2.10.1):
 * REGISTER_BROKER to all of them in parallel at start, soon after every topic change (bursts coalesced into
 * one round) and every `registerNameServerPeriodMs`; UNREGISTER_BROKER at shutdown. A NameServer that is down
 * is logged and tried again next round. Every registration is a full one (Java's default forceRegister=true),
 * with the bytes a Java broker sends (register-broker-request.ts), so Apache NameServers accept it too.
 */
import {
  childLogger,
  decodeKVTable,
  decodeRegisterBrokerResponseHeader,
  Logger,
  RemotingCommand,
  ResponseCode,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import {
  BrokerRegistrationOptions,
  ResolvedBrokerRegistrationOptions,
  resolveBrokerRegistrationOptions,
} from './broker-registration-options.js';
import {
  applyBrokerPermission,
  buildRegisterBrokerPayload,
  createRegisterBrokerRequest,
  createUnregisterBrokerRequest,
} from './register-broker-request.js';

/** The answer of one NameServer to REGISTER_BROKER. */
export interface RegistrationResult {
  namesrvAddr: string;
  ok: boolean;
  /** For a slave whose master is registered there: the master's broker address... */
  masterAddr?: string;
  /** ...and its HA address. */
  haServerAddr?: string;
  /** KV namespace ORDER_TOPIC_CONFIG (topic -> `broker-a:4;broker-b:4`) when the NameServer sent it. */
  orderTopicConfig?: Record<string, string>;
  /** Why it failed: the NameServer's remark or the transport error. */
  error?: string;
}

/** The answer of one NameServer to UNREGISTER_BROKER. */
export interface UnregistrationResult {
  namesrvAddr: string;
  ok: boolean;
  error?: string;
}

export class BrokerRegistrationClient {
  readonly options: ResolvedBrokerRegistrationOptions;
  private readonly client: RemotingClient;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;
  private namesrvAddrs: readonly string[];
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private pending: Promise<RegistrationResult[]> | null = null;
  private again = false;
  private stopped = false;
  private rounds = 0;

  /** `client` null: the registration opens and closes its own connections. */
  constructor(client: RemotingClient | null, options: BrokerRegistrationOptions) {
    this.options = resolveBrokerRegistrationOptions(options);
    this.logger = childLogger(this.options.logger, 'registration');
    this.ownsClient = client === null;
    this.client = client ?? new RemotingClient({ logger: this.options.logger });
    this.namesrvAddrs = this.options.namesrvAddrs;
  }

  /** Registers now, then every period; resolves with the first round's results. */
  async start(): Promise<RegistrationResult[]> {
    const results = await this.registerAll();
    if (!this.stopped && this.timer === null) {
      this.timer = setInterval(() => this.requestRegister(), this.options.registerNameServerPeriodMs);
      this.timer.unref();
    }
    return results;
  }

  /** The NameServers currently registered with. */
  get nameServers(): readonly string[] {
    return this.namesrvAddrs;
  }

  /** Registration rounds completed so far (each round asks every NameServer once). */
  get completedRounds(): number {
    return this.rounds;
  }

  /** Replaces the NameServer list (Java updateNameServerAddressList); the next round uses it. */
  setNameServers(addrs: readonly string[]): void {
    this.namesrvAddrs = Object.freeze([...addrs]);
  }

  /**
   * Asks for a round soon (topics changed): calls within the same tick, and calls made while a round runs,
   * fold into a single next round that reads the latest topics. No-op after shutdown().
   */
  requestRegister(): void {
    if (this.stopped || this.soon !== null) return;
    this.soon = setImmediate(() => {
      this.soon = null;
      // registerAll never rejects: failures are logged and returned.
      void this.registerAll();
    });
  }

  /**
   * REGISTER_BROKER to every NameServer in parallel, each call bounded by registerBrokerTimeoutMs. Never
   * rejects: failures are logged and reported in the results. Called while a round runs, it queues one
   * more round and resolves with that round's results.
   */
  registerAll(): Promise<RegistrationResult[]> {
    if (this.pending !== null) {
      this.again = true;
      return this.pending;
    }
    this.pending = (async () => {
      let results: RegistrationResult[];
      do {
        this.again = false;
        results = await this.registerRound();
        this.rounds++;
      } while (this.again && !this.stopped);
      return results;
    })().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** UNREGISTER_BROKER to every NameServer in parallel (bounded); never rejects. */
  async unregisterAll(): Promise<UnregistrationResult[]> {
    const identity = this.options.identity();
    return Promise.all(
      this.namesrvAddrs.map(async (namesrvAddr): Promise<UnregistrationResult> => {
        const request = createUnregisterBrokerRequest(identity, this.options.requestVersion);
        try {
          const response = await this.client.invoke(namesrvAddr, request, this.options.registerBrokerTimeoutMs);
          if (response.code === ResponseCode.SUCCESS) return { namesrvAddr, ok: true };
          const error = remarkOf(response);
          this.logger.warn('unregister broker refused', { namesrvAddr, code: response.code, remark: error });
          return { namesrvAddr, ok: false, error };
        } catch (error) {
          this.logger.warn('unregister broker failed', { namesrvAddr, error: describe(error) });
          return { namesrvAddr, ok: false, error: describe(error) };
        }
      }),
    );
  }

  /** Stops the timer, lets a running round end, unregisters from every NameServer. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.soon !== null) clearImmediate(this.soon);
    this.soon = null;
    await this.pending;
    await this.unregisterAll();
    if (this.ownsClient) await this.client.shutdown();
  }

  private async registerRound(): Promise<RegistrationResult[]> {
    const addrs = this.namesrvAddrs;
    if (addrs.length === 0) return [];
    const { options } = this;
    let identity;
    let payload;
    try {
      identity = options.identity();
      const wrapper = applyBrokerPermission(options.topicConfigs(), options.brokerPermission());
      payload = buildRegisterBrokerPayload(wrapper, options);
    } catch (error) {
      // A bug on our side (identity or topic snapshot threw): report it like a failed registration.
      this.logger.error('cannot build the registration', { error: describe(error) });
      return addrs.map((namesrvAddr) => ({ namesrvAddr, ok: false, error: describe(error) }));
    }
    return Promise.all(
      addrs.map((namesrvAddr) =>
        this.registerOne(namesrvAddr, createRegisterBrokerRequest(identity, payload, options)),
      ),
    );
  }

  private async registerOne(namesrvAddr: string, request: RemotingCommand): Promise<RegistrationResult> {
    let response: RemotingCommand;
    try {
      response = await this.client.invoke(namesrvAddr, request, this.options.registerBrokerTimeoutMs);
    } catch (error) {
      this.logger.warn('register broker failed, retrying next period', { namesrvAddr, error: describe(error) });
      return { namesrvAddr, ok: false, error: describe(error) };
    }
    if (response.code !== ResponseCode.SUCCESS) {
      const error = remarkOf(response);
      this.logger.warn('register broker refused', { namesrvAddr, code: response.code, remark: error });
      return { namesrvAddr, ok: false, error };
    }
    const header = decodeRegisterBrokerResponseHeader(response.extFields);
    const result: RegistrationResult = { namesrvAddr, ok: true };
    if (header.masterAddr !== undefined) result.masterAddr = header.masterAddr;
    if (header.haServerAddr !== undefined) result.haServerAddr = header.haServerAddr;
    if (response.body !== null) {
      try {
        result.orderTopicConfig = decodeKVTable(response.body).table;
      } catch (error) {
        // Registered all the same; only the optional order config is unreadable.
        this.logger.warn('REGISTER_BROKER response body is not a KVTable', { namesrvAddr, error: describe(error) });
      }
    }
    this.logger.debug('registered', { namesrvAddr, masterAddr: result.masterAddr });
    return result;
  }
}

function remarkOf(response: RemotingCommand): string {
  return response.remark ?? `response code ${response.code}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
