/**
 * The NameServer (broker-semantics.md 8): a stateless routing registry rebuilt from broker registrations,
 * plus a small persisted KV config. NameServers share no state with each other. A broker leaves the tables
 * on UNREGISTER_BROKER, when the connection it registered over closes, or when the periodic scan finds it
 * silent for longer than its timeout (8.4).
 */
import { Logger, childLogger } from '@rocketnest/protocol';
import { RemotingConnection, RemotingServer, SocketAddress } from '@rocketnest/remoting';
import { KVConfigManager } from './kv-config-manager.js';
import { NameServerOptions, ResolvedNameServerOptions, resolveNameServerOptions } from './name-server-options.js';
import { initialNamesrvSettings, NamesrvSettings } from './namesrv-settings.js';
import { brokerRequestProcessors } from './processors/broker-request-processors.js';
import { configRequestProcessors } from './processors/config-request-processors.js';
import { kvRequestProcessors } from './processors/kv-request-processors.js';
import type { NamesrvContext } from './processors/namesrv-context.js';
import { routeRequestProcessors } from './processors/route-request-processors.js';
import { RemovedBroker, RouteInfoManager } from './route-info-manager.js';

export class NameServer {
  readonly options: ResolvedNameServerOptions;
  readonly routes: RouteInfoManager;
  readonly kvConfig: KVConfigManager;
  private readonly liveSettings: NamesrvSettings;
  private readonly server: RemotingServer;
  private readonly logger: Logger;
  private scanTimer: NodeJS.Timeout | null = null;
  private bound: SocketAddress | null = null;
  private stopping: Promise<void> | null = null;

  constructor(options: NameServerOptions = {}) {
    this.options = resolveNameServerOptions(options);
    this.logger = childLogger(this.options.logger, 'namesrv');
    this.routes = new RouteInfoManager(this.options.brokerExpiryMs);
    this.kvConfig = new KVConfigManager(this.options.kvConfigPath, this.logger);
    this.liveSettings = initialNamesrvSettings(this.options);
    this.server = new RemotingServer({
      ...this.options.remoting,
      host: this.options.host,
      port: this.options.port,
      logger: this.options.logger,
    });
    const ctx: NamesrvContext = {
      options: this.options,
      settings: this.liveSettings,
      routes: this.routes,
      kvConfig: this.kvConfig,
      logger: this.logger,
      listenPort: () => this.bound?.port ?? this.options.port,
      onSettingsChanged: () => this.armScan(),
    };
    for (const [code, processor] of [
      ...brokerRequestProcessors(ctx),
      ...routeRequestProcessors(ctx),
      ...kvRequestProcessors(ctx),
      ...configRequestProcessors(ctx),
    ]) {
      this.server.registerProcessor(code, processor);
    }
    this.server.on('disconnect', (connection) => this.onDisconnect(connection));
  }

  /** Loads the KV config, listens, and starts the scan for silent brokers. */
  async start(): Promise<SocketAddress> {
    await this.kvConfig.load();
    this.bound = await this.server.listen();
    this.armScan();
    this.logger.info('namesrv started', { host: this.bound.host, port: this.bound.port });
    return this.bound;
  }

  /** Current values of the settings UPDATE_NAMESRV_CONFIG may change. */
  get settings(): Readonly<NamesrvSettings> {
    return this.liveSettings;
  }

  get address(): SocketAddress | null {
    return this.bound;
  }

  /** `host:port` clients use; 127.0.0.1 when listening on every interface. */
  get addr(): string {
    if (this.bound === null) return '';
    const host = this.bound.host === '0.0.0.0' || this.bound.host === '::' ? '127.0.0.1' : this.bound.host;
    return `${host}:${this.bound.port}`;
  }

  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.scanTimer !== null) clearInterval(this.scanTimer);
      this.scanTimer = null;
      await this.server.close();
      await this.kvConfig.flush();
      this.logger.info('namesrv stopped', { port: this.bound?.port });
    })();
    return this.stopping;
  }

  /** (Re)starts the expiry scan with the current interval; not before start() nor after shutdown(). */
  private armScan(): void {
    if (this.bound === null || this.stopping !== null) return;
    if (this.scanTimer !== null) clearInterval(this.scanTimer);
    this.scanTimer = setInterval(() => this.scanNotActiveBroker(), this.liveSettings.scanIntervalMs);
    this.scanTimer.unref();
  }

  private scanNotActiveBroker(): void {
    const removed = this.routes.scanNotActiveBroker();
    this.logRemoved('expired', removed);
    for (const { connection } of removed) {
      if (connection !== null && !connection.isClosed && !this.routes.isConnectionInUse(connection)) {
        connection.close();
      }
    }
  }

  private onDisconnect(connection: RemotingConnection): void {
    this.logRemoved('connection closed', this.routes.onConnectionClosed(connection));
  }

  private logRemoved(reason: string, removed: readonly RemovedBroker[]): void {
    for (const broker of removed) {
      this.logger.info('broker removed', {
        reason,
        brokerAddr: broker.brokerAddr,
        clusterName: broker.clusterName,
        removedBrokerNames: broker.removedBrokerNames,
      });
    }
  }
}
