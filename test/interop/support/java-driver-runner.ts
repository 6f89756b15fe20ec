/**
 * Runs Apache's Java client through interop/java-driver/run-driver.sh and collects its check lines. Every
 * run is bounded; its whole process tree is stopped by PID on timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const POM = 'interop/java-driver/pom.xml';
const RUN_DRIVER = 'interop/java-driver/run-driver.sh';

/** The 15 checks of the driver (interop/README.md, "Java driver"), in the order it runs them. */
export const DRIVER_CHECKS: readonly string[] = [
  'producer.sync',
  'producer.async',
  'producer.oneway',
  'producer.batch',
  'producer.ordered',
  'producer.transaction',
  'consumer.concurrent',
  'consumer.orderly',
  'consumer.clustering',
  'consumer.broadcasting',
  'consumer.tags',
  'consumer.retry',
  'lookup.by-id',
  'lookup.by-key',
  'admin',
];

export type DriverClient = '5' | '4';
const PROFILE: Readonly<Record<DriverClient, string>> = { '5': 'rmq5', '4': 'rmq4' };

/** Maven / network failures that mean "cannot run here" rather than "broken" (same list as interop/run.sh). */
const NETWORK_ERROR =
  /Could not (transfer|resolve|find artifact)|Unknown ?host|UnknownHost|Connection (refused|reset|timed out)|connect timed out|Network is unreachable|Temporary failure in name resolution|offline mode/;

export interface DriverRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  passed: string[];
  failed: Array<{ check: string; reason: string }>;
  notes: string[];
  summary: string | undefined;
}

/** Why the Java driver cannot run on this machine, or undefined when it can (java, mvn, both profiles compiled). */
export async function javaDriverUnavailable(timeoutMs = 10 * 60_000): Promise<string | undefined> {
  for (const tool of ['java', 'mvn']) {
    if (spawnSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) return `${tool} not found`;
  }
  for (const profile of Object.values(PROFILE)) {
    const result = await run('mvn', ['-B', '-q', '-f', POM, '-P', profile, 'process-classes'], {}, timeoutMs);
    if (result.exitCode === 0) continue;
    const output = `${result.stdout}\n${result.stderr}`;
    const network = NETWORK_ERROR.exec(output);
    if (network !== null) return `Maven Central unreachable while resolving the ${profile} driver (${network[0]})`;
    throw new Error(`the Java driver (${profile}) does not compile:\n${output.slice(-4000)}`);
  }
  return undefined;
}

export interface DriverOptions {
  client: DriverClient;
  namesrvAddr: string;
  /** -Drocketmq.serialize.type of the Java client (JSON by default). */
  serializeType?: 'JSON' | 'ROCKETMQ';
  /** Bound of one check inside the driver. */
  checkTimeoutMs?: number;
  /** Bound of the whole run; the process group is killed after it. */
  timeoutMs?: number;
}

export async function runJavaDriver(options: DriverOptions): Promise<DriverRun> {
  const env: NodeJS.ProcessEnv = {};
  if (options.serializeType !== undefined)
    env['DRIVER_JAVA_OPTS'] = `-Drocketmq.serialize.type=${options.serializeType}`;
  const args = [
    RUN_DRIVER,
    '--client',
    options.client,
    '-n',
    options.namesrvAddr,
    '--timeout-ms',
    String(options.checkTimeoutMs ?? 30_000),
  ];
  const result = await run('bash', args, env, options.timeoutMs ?? 5 * 60_000);
  const lines = result.stdout.split('\n');
  return {
    ...result,
    passed: lines.flatMap((line) => (line.startsWith('PASS ') ? [line.slice(5).trim()] : [])),
    failed: lines.flatMap((line) => {
      const match = /^FAIL (\S+?):? (.*)$/.exec(line);
      return match === null ? [] : [{ check: match[1]!, reason: match[2]! }];
    }),
    notes: lines.filter((line) => line.startsWith('# ')),
    summary: lines.find((line) => line.startsWith('driver: ')),
  };
}

/**
 * Runs a command bounded in time. On timeout, or if this process exits first, the command and everything it
 * started (bash -> mvn, java) get SIGTERM by PID, deepest first (so run-driver.sh still removes its temp
 * folder), then SIGKILL after a grace period.
 */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  graceMs = 5000,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killNow = (): void => signalTree(child.pid, 'SIGKILL');
    const timer = setTimeout(() => {
      timedOut = true;
      const pids = descendantsOf(child.pid);
      signalPids(pids, 'SIGTERM');
      killTimer = setTimeout(() => signalPids(pids, 'SIGKILL'), graceMs);
    }, timeoutMs);
    process.once('exit', killNow);
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      process.off('exit', killNow);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('close', (exitCode) => {
      done();
      if (timedOut) stderr += `\n[killed after ${timeoutMs} ms]`;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** `pid` and every process below it, deepest first (from `ps`, read once). */
function descendantsOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const table = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout ?? '';
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child === undefined || parent === undefined || Number.isNaN(child) || Number.isNaN(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const c of children.get(p) ?? []) visit(c);
    out.push(p);
  };
  visit(pid);
  return out;
}

function signalTree(pid: number | undefined, signal: NodeJS.Signals): void {
  signalPids(descendantsOf(pid), signal);
}

function signalPids(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      // ESRCH: already gone.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
