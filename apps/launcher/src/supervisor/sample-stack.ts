/**
 * The sample stack: the standalone broker program, then order-service and points-service pointed at it.
 * Starts in that order, stops in the reverse one (services drain and persist offsets while the broker still
 * runs). A service that crashes stays down until started again (control API); a broker crash stops all.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedLauncherOptions } from '../launcher-options.js';
import { ExitInfo, ManagedProcess } from './managed-process.js';

export type ServiceName = 'order' | 'points';
export const SERVICE_NAMES: readonly ServiceName[] = ['order', 'points'];

export interface ServiceStatus {
  state: ManagedProcess['state'];
  pid: number | undefined;
  url: string | undefined;
  lastExit: ExitInfo | null;
}

export interface StackStatus {
  dataDir: string;
  namesrvAddr: string | undefined;
  brokerAddr: string | undefined;
  orderUrl: string | undefined;
  pointsUrl: string | undefined;
  services: Record<'broker' | ServiceName, ServiceStatus>;
}

/** `apps/<app>/src/main.ts` next to this file when run from source, `dist/apps/<app>/src/main.js` when built. */
export function appEntry(app: string): string {
  const here = fileURLToPath(import.meta.url);
  return path.resolve(path.dirname(here), '..', '..', '..', app, 'src', `main${path.extname(here)}`);
}

const URL_LINE = /listening on (http:\/\/\S+)/;

export class SampleStack {
  readonly broker: ManagedProcess;
  readonly order: ManagedProcess;
  readonly points: ManagedProcess;
  private namesrvAddr: string | undefined;
  private brokerAddr: string | undefined;
  /** Ports bound by the first start, reused by restarts (stable URLs even with port 0). */
  private readonly ports = new Map<ServiceName, number>();

  constructor(
    private readonly options: ResolvedLauncherOptions,
    private readonly write: (line: string) => void,
    label: (name: string) => string,
  ) {
    const env = { ...process.env };
    if (!process.stdout.isTTY) env['NO_COLOR'] = '1';
    this.broker = new ManagedProcess(
      {
        name: 'broker',
        label: label('broker'),
        script: appEntry('broker'),
        args: [
          'standalone',
          '--data-dir',
          options.dataDir,
          '--namesrv-port',
          String(options.namesrvPort),
          '--broker-port',
          String(options.brokerPort),
          '--transaction-check-interval-ms',
          String(options.transactionCheckIntervalMs),
          '--transaction-timeout-ms',
          String(options.transactionTimeoutMs),
        ],
        env,
        ready: /^ready namesrv=(\S+) broker=(\S+)$/,
      },
      write,
    );
    this.order = new ManagedProcess(
      {
        name: 'order',
        label: label('order'),
        script: appEntry('order-service'),
        args: [],
        env: {
          ...env,
          ORDER_PORT: String(options.orderPort),
          ORDER_DATA_DIR: path.join(options.dataDir, 'order-service'),
          ORDER_FAULT_INJECTION: String(options.faultInjection),
        },
        ready: URL_LINE,
      },
      write,
    );
    this.points = new ManagedProcess(
      {
        name: 'points',
        label: label('points'),
        script: appEntry('points-service'),
        args: [],
        env: {
          ...env,
          POINTS_PORT: String(options.pointsPort),
          POINTS_DATA_DIR: path.join(options.dataDir, 'points-service'),
        },
        ready: URL_LINE,
      },
      write,
    );
  }

  /** Broker first, then both services at once. */
  async start(): Promise<void> {
    const [, namesrvAddr, brokerAddr] = await this.broker.start({}, this.options.startTimeoutMs);
    this.namesrvAddr = namesrvAddr;
    this.brokerAddr = brokerAddr;
    const results = await Promise.allSettled(SERVICE_NAMES.map((name) => this.startService(name)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async startService(name: ServiceName): Promise<string> {
    if (this.namesrvAddr === undefined) throw new Error('the broker is not running');
    const env: NodeJS.ProcessEnv = { NAMESRV_ADDR: this.namesrvAddr };
    const port = this.ports.get(name);
    if (port !== undefined) env[name === 'order' ? 'ORDER_PORT' : 'POINTS_PORT'] = String(port);
    const [, url] = await this.process(name).start(env, this.options.startTimeoutMs);
    this.ports.set(name, Number(new URL(url!).port));
    return url!;
  }

  stopService(name: ServiceName): Promise<ExitInfo | null> {
    return this.process(name).stop('SIGTERM', this.options.stopTimeoutMs);
  }

  /** Services first (they need the broker to drain), then the broker. */
  async stop(): Promise<void> {
    await Promise.all(SERVICE_NAMES.map((name) => this.stopService(name)));
    await this.broker.stop('SIGTERM', this.options.stopTimeoutMs);
  }

  killAll(): void {
    for (const child of [this.order, this.points, this.broker]) child.killNow();
  }

  process(name: ServiceName): ManagedProcess {
    return name === 'order' ? this.order : this.points;
  }

  status(): StackStatus {
    const of = (child: ManagedProcess): ServiceStatus => ({
      state: child.state,
      pid: child.pid,
      url: child === this.broker ? undefined : child.readyMatch?.[1],
      lastExit: child.lastExit,
    });
    return {
      dataDir: this.options.dataDir,
      namesrvAddr: this.namesrvAddr,
      brokerAddr: this.brokerAddr,
      orderUrl: this.order.readyMatch?.[1],
      pointsUrl: this.points.readyMatch?.[1],
      services: { broker: of(this.broker), order: of(this.order), points: of(this.points) },
    };
  }
}
