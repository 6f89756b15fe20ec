/**
 * Command line and config file of the `rocketnest` program. Flags override the config file (JSON, keys as
 * the long flag names in camelCase), which overrides the defaults.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FlushDiskType } from '@rocketnest/broker';
import type { LogLevel } from './console-logger.js';

export type Command = 'namesrv' | 'broker' | 'standalone';

export interface CliConfig {
  command: Command;
  dataDir: string;
  host: string;
  namesrvPort: number;
  brokerPort: number;
  namesrvAddr: string[];
  brokerName: string;
  clusterName: string;
  brokerIP1: string;
  flushDiskType: FlushDiskType;
  autoCreateTopicEnable: boolean;
  messageDelayLevel?: string;
  transactionCheckIntervalMs?: number;
  transactionTimeoutMs?: number;
  logLevel: LogLevel;
}

export const USAGE = `Usage: rocketnest <namesrv|broker|standalone> [options]

  standalone   NameServer + Broker in one process (the embedded default)
  namesrv      a NameServer only
  broker       a Broker only (give --namesrv-addr)

Options:
  --config FILE               JSON file with any of the options below (camelCase keys)
  --data-dir DIR              data folder (default ./data)
  --host HOST                 interface to bind (default 127.0.0.1)
  --namesrv-port N            NameServer port (default 9876, 0 = any free port)
  --broker-port N             Broker port (default 10911, 0 = any free port)
  -n, --namesrv-addr LIST     NameServers for a broker, host:port separated by ';' or ','
  --broker-name NAME          default broker-a
  --cluster-name NAME         default DefaultCluster
  --broker-ip ADDR            address advertised to clients (default: the host, or 127.0.0.1)
  --flush-disk-type TYPE      ASYNC_FLUSH (default) or SYNC_FLUSH
  --auto-create-topic BOOL    create topics on first send (default true)
  --message-delay-level STR   delay levels, e.g. "1s 5s 10s 30s 1m ..."
  --transaction-check-interval-ms N   transaction check-back period (default 30000)
  --transaction-timeout-ms N  half messages are checked once older than this (default 6000)
  --log-level LEVEL           debug, info (default), warn, error
  -h, --help                  this text
`;

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

const COMMANDS: readonly Command[] = ['namesrv', 'broker', 'standalone'];

export function parseCli(argv: readonly string[]): CliConfig | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      'namesrv-port': { type: 'string' },
      'broker-port': { type: 'string' },
      'namesrv-addr': { type: 'string', short: 'n' },
      'broker-name': { type: 'string' },
      'cluster-name': { type: 'string' },
      'broker-ip': { type: 'string' },
      'flush-disk-type': { type: 'string' },
      'auto-create-topic': { type: 'string' },
      'message-delay-level': { type: 'string' },
      'transaction-check-interval-ms': { type: 'string' },
      'transaction-timeout-ms': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals.length === 0) return 'help';
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new CliUsageError(`unknown command "${positionals[0]}"`);
  if (positionals.length > 1) throw new CliUsageError(`unexpected argument "${positionals[1]}"`);
  const file = values.config === undefined ? {} : readConfigFile(values.config);
  const pick = (flag: string, key: string): string | undefined => {
    const fromFlag = (values as Record<string, unknown>)[flag];
    if (typeof fromFlag === 'string') return fromFlag;
    const fromFile = file[key];
    return fromFile === undefined ? undefined : String(fromFile);
  };
  const host = pick('host', 'host') ?? '127.0.0.1';
  const flush = pick('flush-disk-type', 'flushDiskType') ?? 'ASYNC_FLUSH';
  if (flush !== 'ASYNC_FLUSH' && flush !== 'SYNC_FLUSH')
    throw new CliUsageError(`--flush-disk-type must be ASYNC_FLUSH or SYNC_FLUSH, got ${flush}`);
  const level = pick('log-level', 'logLevel') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new CliUsageError(`--log-level must be debug, info, warn or error`);
  const namesrvAddr = (pick('namesrv-addr', 'namesrvAddr') ?? process.env['NAMESRV_ADDR'] ?? '')
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (command === 'broker' && namesrvAddr.length === 0)
    throw new CliUsageError('broker needs --namesrv-addr (or NAMESRV_ADDR)');
  return {
    command,
    dataDir: pick('data-dir', 'dataDir') ?? './data',
    host,
    namesrvPort: port(pick('namesrv-port', 'namesrvPort') ?? '9876', '--namesrv-port'),
    brokerPort: port(pick('broker-port', 'brokerPort') ?? '10911', '--broker-port'),
    namesrvAddr,
    brokerName: pick('broker-name', 'brokerName') ?? 'broker-a',
    clusterName: pick('cluster-name', 'clusterName') ?? 'DefaultCluster',
    brokerIP1: pick('broker-ip', 'brokerIP1') ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    flushDiskType: flush,
    autoCreateTopicEnable: bool(pick('auto-create-topic', 'autoCreateTopicEnable') ?? 'true', '--auto-create-topic'),
    messageDelayLevel: pick('message-delay-level', 'messageDelayLevel'),
    transactionCheckIntervalMs: optionalMs(
      pick('transaction-check-interval-ms', 'transactionCheckIntervalMs'),
      '--transaction-check-interval-ms',
    ),
    transactionTimeoutMs: optionalMs(
      pick('transaction-timeout-ms', 'transactionTimeoutMs'),
      '--transaction-timeout-ms',
    ),
    logLevel: level as LogLevel,
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliUsageError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliUsageError(`config file ${file} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

function port(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535)
    throw new CliUsageError(`${flag} must be a port number (0-65535), got ${text}`);
  return value;
}

function optionalMs(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new CliUsageError(`${flag} must be a number of milliseconds, got ${text}`);
  return Number(text);
}

function bool(text: string, flag: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new CliUsageError(`${flag} must be true or false, got ${text}`);
}
