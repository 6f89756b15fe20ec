/**
 * A broker's registration with every NameServer (broker-semantics.md 8.3, remoting-protocol.md 2.10.1):
 * REGISTER_BROKER to all of them in parallel at start, on every topic change (bursts coalesced) and every
 * `registerPeriodMs`; UNREGISTER_BROKER at shutdown. The bytes are what a Java broker sends (JSON body,
 * `compressed=false`, body CRC, request version >= 401), so Apache NameServers accept them too.
 */
import {
  BROKER_IDENTITY_REQUEST_HEADER,
  DEFAULT_SERVER_VERSION,
  Logger,
  REGISTER_BROKER_REQUEST_HEADER,
  RequestCode,
  ResponseCode,
  TopicConfigSerializeWrapper,
  createRequest,
  decodeRegisterBrokerResponseHeader,
  encodeRegisterBrokerBody,
  maskedCrc32,
} from '@rocketnest/protocol';
import type { RemotingClient } from '@rocketnest/remoting';

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  /** `ip:port` clients use. */
  brokerAddr: string;
  /** `ip:haPort` (we run no replication; Java sends listenPort + 1). */
  haServerAddr: string;
}

export interface RegistrationResult {
  namesrvAddr: string;
  ok: boolean;
  masterAddr?: string;
  haServerAddr?: string;
  error?: string;
}

export interface BrokerRegistrationOptions {
  namesrvAddrs: readonly string[];
  identity: () => BrokerIdentity;
  topicConfigs: () => TopicConfigSerializeWrapper;
  registerPeriodMs: number;
  timeoutMs?: number;
  logger: Logger;
}

export class BrokerRegistrationClient {
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<RegistrationResult[]> | null = null;
  private again = false;

  constructor(
    private readonly client: RemotingClient,
    private readonly options: BrokerRegistrationOptions,
  ) {}

  /** Registers now, then every period. */
  async start(): Promise<RegistrationResult[]> {
    const results = await this.registerAll();
    this.timer = setInterval(() => this.requestRegister(), this.options.registerPeriodMs);
    this.timer.unref();
    return results;
  }

  /** A registration soon: calls made while one runs are folded into a single next one. */
  requestRegister(): void {
    if (this.pending !== null) {
      this.again = true;
      return;
    }
    void this.registerAll();
  }

  /** REGISTER_BROKER to every NameServer in parallel; never rejects (failures are in the results and logged). */
  registerAll(): Promise<RegistrationResult[]> {
    if (this.pending !== null) {
      this.again = true;
      return this.pending;
    }
    this.pending = (async () => {
      let results: RegistrationResult[];
      do {
        this.again = false;
        results = await Promise.all(this.options.namesrvAddrs.map((addr) => this.registerOne(addr)));
      } while (this.again);
      return results;
    })().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async registerOne(namesrvAddr: string): Promise<RegistrationResult> {
    const identity = this.options.identity();
    const body = encodeRegisterBrokerBody({
      topicConfigSerializeWrapper: this.options.topicConfigs(),
      filterServerList: [],
    });
    const request = createRequest(RequestCode.REGISTER_BROKER, {
      extFields: REGISTER_BROKER_REQUEST_HEADER.encode({
        ...identity,
        compressed: false,
        bodyCrc32: maskedCrc32(body),
      }),
      body,
      version: DEFAULT_SERVER_VERSION,
    });
    try {
      const response = await this.client.invoke(namesrvAddr, request, this.options.timeoutMs ?? 6000);
      if (response.code !== ResponseCode.SUCCESS) {
        this.options.logger.warn('register broker refused', {
          namesrvAddr,
          code: response.code,
          remark: response.remark,
        });
        return { namesrvAddr, ok: false, error: response.remark ?? `code ${response.code}` };
      }
      const header = decodeRegisterBrokerResponseHeader(response.extFields);
      return { namesrvAddr, ok: true, masterAddr: header.masterAddr, haServerAddr: header.haServerAddr };
    } catch (error) {
      this.options.logger.warn('register broker failed, retrying next period', { namesrvAddr, error: String(error) });
      return { namesrvAddr, ok: false, error: String(error) };
    }
  }

  /** Stops the timer and sends UNREGISTER_BROKER to every NameServer (best effort, bounded). */
  async shutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.pending;
    const identity = this.options.identity();
    await Promise.all(
      this.options.namesrvAddrs.map(async (addr) => {
        const request = createRequest(RequestCode.UNREGISTER_BROKER, {
          extFields: BROKER_IDENTITY_REQUEST_HEADER.encode(identity),
          version: DEFAULT_SERVER_VERSION,
        });
        try {
          await this.client.invoke(addr, request, this.options.timeoutMs ?? 3000);
        } catch (error) {
          this.options.logger.warn('unregister broker failed', { namesrvAddr: addr, error: String(error) });
        }
      }),
    );
  }
}
