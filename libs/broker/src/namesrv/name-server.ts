/**
 * The NameServer (broker-semantics.md 8): a stateless routing registry rebuilt from broker registrations,
 * plus a small persisted KV config. NameServers share no state with each other.
 */
import { Logger, childLogger } from '@rocketnest/protocol';
import { RemotingConnection, RemotingServer, SocketAddress } from '@rocketnest/remoting';
import { KVConfigManager } from './kv-config-manager.js';
import { NameServerOptions, ResolvedNameServerOptions, resolveNameServerOptions } from './name-server-options.js';
import { brokerRequestProcessors } from './processors/broker-request-processors.js';
import { kvRequestProcessors } from './processors/kv-request-processors.js';
import type { NamesrvContext } from './processors/namesrv-context.js';
import { routeRequestProcessors } from './processors/route-request-processors.js';
import { RemovedBroker, RouteInfoManager } from './route-info-manager.js';

export class NameServer {
  readonly options: ResolvedNameServerOptions;
  readonly routes: RouteInfoManager;
  readonly kvConfig: KVConfigManager;
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
    this.server = new RemotingServer({
      ...this.options.remoting,
      host: this.options.host,
      port: this.options.port,
      logger: this.options.logger,
    });
    const ctx: NamesrvContext = {
      options: this.options,
      routes: this.routes,
      kvConfig: this.kvConfig,
      logger: this.logger,
    };
    for (const [code, processor] of [
      ...brokerRequestProcessors(ctx),
      ...routeRequestProcessors(ctx),
      ...kvRequestProcessors(ctx),
    ]) {
      this.server.registerProcessor(code, processor);
    }
    this.server.on('disconnect', (connection) => this.onDisconnect(connection));
  }

  /** Loads the KV config, listens, and starts the scan for silent brokers. */
  async start(): Promise<SocketAddress> {
    await this.kvConfig.load();
    this.bound = await this.server.listen();
    this.scanTimer = setInterval(
      () => this.logRemoved('expired', this.routes.scanNotActiveBroker()),
      this.options.scanIntervalMs,
    );
    this.scanTimer.unref();
    this.logger.info('namesrv started', { host: this.bound.host, port: this.bound.port });
    return this.bound;
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
      await this.server.close();
      await this.kvConfig.flush();
      this.logger.info('namesrv stopped', { port: this.bound?.port });
    })();
    return this.stopping;
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
