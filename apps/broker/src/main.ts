/**
 * The `rocketnest` program: `namesrv`, `broker` and `standalone`. Prints one line
 * `ready namesrv=HOST:PORT broker=HOST:PORT` on stdout once listening; logs go to stderr. SIGINT/SIGTERM stop
 * accepting, finish in-flight work, flush, checkpoint and exit 0.
 */
import * as path from 'node:path';
import { Broker, NameServer, startStandalone } from '@rocketnest/broker';
import type { Logger } from '@rocketnest/protocol';
import { CliConfig, CliUsageError, USAGE, parseCli } from './cli-options.js';
import { createConsoleLogger } from './console-logger.js';

type Stop = () => Promise<void>;

async function start(config: CliConfig, logger: Logger): Promise<Stop> {
  const dataDir = path.resolve(config.dataDir);
  const brokerOptions = {
    brokerName: config.brokerName,
    clusterName: config.clusterName,
    brokerIP1: config.brokerIP1,
    flushDiskType: config.flushDiskType,
    autoCreateTopicEnable: config.autoCreateTopicEnable,
    messageDelayLevel: config.messageDelayLevel,
    transactionCheckIntervalMs: config.transactionCheckIntervalMs,
    transactionTimeoutMs: config.transactionTimeoutMs,
    logger,
  };
  switch (config.command) {
    case 'standalone': {
      const standalone = await startStandalone({
        dataDir,
        host: config.host,
        namesrvPort: config.namesrvPort,
        brokerPort: config.brokerPort,
        broker: brokerOptions,
        logger,
      });
      process.stdout.write(`ready namesrv=${standalone.namesrvAddr} broker=${standalone.brokerAddr}\n`);
      return () => standalone.close();
    }
    case 'namesrv': {
      const namesrv = new NameServer({
        host: config.host,
        port: config.namesrvPort,
        kvConfigPath: path.join(dataDir, 'namesrv', 'kvConfig.json'),
        logger,
      });
      await namesrv.start();
      process.stdout.write(`ready namesrv=${namesrv.addr}\n`);
      return () => namesrv.shutdown();
    }
    case 'broker': {
      const broker = await Broker.start({
        ...brokerOptions,
        dataDir: path.join(dataDir, 'broker'),
        host: config.host,
        port: config.brokerPort,
        namesrvAddr: config.namesrvAddr,
      });
      process.stdout.write(`ready broker=${broker.brokerAddr}\n`);
      return () => broker.shutdown();
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let config;
  try {
    config = parseCli(argv);
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rocketnest: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = createConsoleLogger(config.logLevel);
  let stop: Stop;
  try {
    stop = await start(config, logger);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message =
      code === 'ERR_STORE_LOCKED'
        ? `the data folder ${path.resolve(config.dataDir)} is in use by another process`
        : (error as Error).message;
    process.stderr.write(`rocketnest: cannot start ${config.command}: ${message}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping', { signal });
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error: String(error) });
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rocketnest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
