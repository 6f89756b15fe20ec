/**
 * NameServer + Broker in one process with one data folder (`<dataDir>/namesrv`, `<dataDir>/broker`): the
 * embedded default for development, tests and small deployments.
 */
import * as path from 'node:path';
import type { Logger } from '@rocketnest/protocol';
import { Broker, BrokerExtension } from './broker/broker.js';
import type { BrokerOptions } from './broker/broker-options.js';
import { NameServer } from './namesrv/name-server.js';

export interface StandaloneOptions {
  /** Root data folder (default `./data`). */
  dataDir?: string;
  /** 9876 by default; 0 picks a free port. */
  namesrvPort?: number;
  /** 10911 by default; 0 picks a free port. */
  brokerPort?: number;
  /** Interface both servers bind (127.0.0.1 by default: the embedded broker is local unless asked). */
  host?: string;
  /** Everything else the broker takes (flush mode, delay levels, store sizes...). */
  broker?: Omit<BrokerOptions, 'dataDir' | 'port' | 'namesrvAddr' | 'host'>;
  /** Features started with the broker. */
  extensions?: readonly BrokerExtension[];
  logger?: Logger;
}

export interface Standalone {
  readonly namesrv: NameServer;
  readonly broker: Broker;
  /** `host:port` of the NameServer: what clients are given. */
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  close(): Promise<void>;
}

export async function startStandalone(options: StandaloneOptions = {}): Promise<Standalone> {
  const dataDir = path.resolve(options.dataDir ?? 'data');
  const host = options.host ?? '127.0.0.1';
  const namesrv = new NameServer({
    host,
    port: options.namesrvPort ?? 9876,
    kvConfigPath: path.join(dataDir, 'namesrv', 'kvConfig.json'),
    logger: options.logger,
  });
  await namesrv.start();
  let broker: Broker;
  try {
    broker = await Broker.start(
      {
        ...options.broker,
        logger: options.broker?.logger ?? options.logger,
        dataDir: path.join(dataDir, 'broker'),
        host,
        port: options.brokerPort ?? 10911,
        brokerIP1: options.broker?.brokerIP1 ?? (host === '0.0.0.0' ? '127.0.0.1' : host),
        namesrvAddr: [namesrv.addr],
      },
      options.extensions ?? [],
    );
  } catch (error) {
    await namesrv.shutdown();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    namesrv,
    broker,
    namesrvAddr: namesrv.addr,
    brokerAddr: broker.brokerAddr,
    close() {
      closing ??= (async () => {
        await broker.shutdown();
        await namesrv.shutdown();
      })();
      return closing;
    },
  };
}
