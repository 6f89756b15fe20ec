/**
 * Command line for the Apache reference cluster (compiled to interop/target/node, see interop/build.sh).
 *
 *   start [flags]                 start detached, save state, print addresses (start.sh)
 *   stop                          stop the cluster saved by `start` (stop.sh)
 *   run [flags] -- <cmd> [args]   start, run <cmd> with NAMESRV_ADDR / BROKER_ADDR set, stop; exit code of <cmd>
 *
 * Flags: --version V, --flush ASYNC_FLUSH|SYNC_FLUSH, --delay-levels "1s 1s ...", --tx-check-interval-ms N,
 * --tx-timeout-ms N, --tx-op-batch-interval-ms N, --serialize JSON|ROCKETMQ, --broker-config k=v (repeatable), --state FILE.
 * Exit codes: 0 ok, 1 failure, 3 skipped (java, mvn or Maven Central unavailable: the reason is printed).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ApacheUnavailableError,
  startApacheCluster,
  stopApacheClusterFromState,
  type ApacheCluster,
  type ApacheClusterOptions,
  type ApacheClusterState,
  type FlushDiskType,
  type SerializeType,
} from './cluster.js';
import { defaultCacheDir } from './distribution-cache.js';

const EXIT_SKIPPED = 3;

interface ParsedArgs {
  readonly command: string;
  readonly options: ApacheClusterOptions;
  readonly stateFile: string;
  readonly childCommand: readonly string[];
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const brokerConfig: Record<string, string> = {};
  let stateFile = path.join(defaultCacheDir(), 'running-cluster.json');
  const options: {
    -readonly [K in keyof ApacheClusterOptions]: ApacheClusterOptions[K];
  } = { log: (line: string): void => console.error(line), brokerConfig };
  let childCommand: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i];
    const value = (): string => {
      const next = rest[i + 1];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--version':
        options.version = value();
        break;
      case '--flush':
        options.flushDiskType = value() as FlushDiskType;
        break;
      case '--delay-levels':
        options.messageDelayLevel = value();
        break;
      case '--tx-check-interval-ms':
        options.transactionCheckIntervalMs = Number(value());
        break;
      case '--tx-timeout-ms':
        options.transactionTimeOutMs = Number(value());
        break;
      case '--tx-op-batch-interval-ms':
        options.transactionOpBatchIntervalMs = Number(value());
        break;
      case '--serialize':
        options.serializeType = value() as SerializeType;
        break;
      case '--broker-config': {
        const [key, ...parts] = value().split('=');
        if (key === undefined || parts.length === 0) throw new Error('--broker-config takes key=value');
        brokerConfig[key] = parts.join('=');
        break;
      }
      case '--state':
        stateFile = value();
        break;
      case '--':
        childCommand = rest.slice(i + 1);
        i = rest.length;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  return { command, options, stateFile, childCommand };
}

function describe(cluster: ApacheCluster): string {
  const t = cluster.timings;
  return [
    `NAMESRV_ADDR=${cluster.namesrvAddr}`,
    `BROKER_ADDR=${cluster.brokerAddr}`,
    `APACHE_ROCKETMQ_VERSION=${cluster.version}`,
    `APACHE_LOG_DIR=${cluster.logDir}`,
    `# timings: download ${t.downloaded ? `${t.downloadMs} ms (first download)` : 'cached'}, namesrv ready ${
      t.namesrvReadyMs
    } ms, broker ready ${t.brokerReadyMs} ms, total ${t.totalMs} ms`,
  ].join('\n');
}

async function start(args: ParsedArgs): Promise<number> {
  if (existsSync(args.stateFile)) {
    console.error(`a cluster is already recorded in ${args.stateFile}; run stop.sh first`);
    return 1;
  }
  const cluster = await startApacheCluster({ ...args.options, ownedByProcess: false });
  await mkdir(path.dirname(args.stateFile), { recursive: true });
  await writeFile(args.stateFile, JSON.stringify(cluster.toState(), null, 2) + '\n');
  console.log(describe(cluster));
  return 0;
}

async function stop(args: ParsedArgs): Promise<number> {
  if (!existsSync(args.stateFile)) {
    console.error(`no running cluster recorded in ${args.stateFile}`);
    return 0;
  }
  const state = JSON.parse(await readFile(args.stateFile, 'utf8')) as ApacheClusterState;
  await stopApacheClusterFromState(state);
  await rm(args.stateFile, { force: true });
  console.log(`stopped Apache RocketMQ ${state.version} (namesrv ${state.namesrvAddr}, broker ${state.brokerAddr})`);
  return 0;
}

async function run(args: ParsedArgs): Promise<number> {
  const [file, ...childArgs] = args.childCommand;
  if (file === undefined) throw new Error('run needs a command after --');
  const cluster = await startApacheCluster(args.options);
  console.log(describe(cluster));
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (child?.pid !== undefined) process.kill(child.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    child = spawn(file, childArgs, {
      stdio: 'inherit',
      env: { ...process.env, NAMESRV_ADDR: cluster.namesrvAddr, BROKER_ADDR: cluster.brokerAddr },
    });
    const running = child;
    return await new Promise<number>((resolve) => {
      running.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
      running.once('error', (error) => {
        console.error(`cannot run ${file}: ${error.message}`);
        resolve(1);
      });
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cluster.stop();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  try {
    switch (args.command) {
      case 'start':
        return await start(args);
      case 'stop':
        return await stop(args);
      case 'run':
        return await run(args);
      default:
        console.error('usage: cluster-cli start|stop|run [flags] [-- command args]');
        return 1;
    }
  } catch (error: unknown) {
    if (error instanceof ApacheUnavailableError) {
      console.log(`SKIP apache-rocketmq: ${error.message}`);
      return EXIT_SKIPPED;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
