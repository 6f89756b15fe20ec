import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Apache RocketMQ release started by default: the newest 5.x whose server jars resolve from Maven Central. */
export const DEFAULT_APACHE_ROCKETMQ_VERSION = '5.5.0';

/** Java, Maven or Maven Central is missing: callers print `reason` and skip, they never fail. */
export class ApacheUnavailableError extends Error {
  override readonly name = 'ApacheUnavailableError';
}

export interface ApacheDistribution {
  readonly version: string;
  /** Folder holding every runtime jar of rocketmq-namesrv and rocketmq-broker. */
  readonly libDir: string;
  /** True when this call downloaded the jars (first use of this version on this machine). */
  readonly downloaded: boolean;
  readonly elapsedMs: number;
}

export interface DistributionOptions {
  readonly version: string;
  /** Parent of the per-version folders, e.g. ~/.cache/rocketnest/apache-rocketmq. */
  readonly cacheDir: string;
  readonly downloadTimeoutMs: number;
}

const COMPLETE_MARKER = '.complete';

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'rocketnest', 'apache-rocketmq');
}

/** The interop folder of this checkout, found from this module's location (source or compiled copy). */
export function findInteropDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i += 1) {
    if (existsSync(path.join(dir, 'apache', 'pom.xml')) && existsSync(path.join(dir, 'java-driver'))) return dir;
    const candidate = path.join(dir, 'interop');
    if (existsSync(path.join(candidate, 'apache', 'pom.xml'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new ApacheUnavailableError('cannot find interop/apache/pom.xml above ' + fileURLToPath(import.meta.url));
}

interface CommandResult {
  readonly ok: boolean;
  readonly output: string;
  readonly timedOut: boolean;
}

export function runCommand(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  cwd?: string,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, cwd },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error === null) resolve({ ok: true, output, timedOut: false });
        else resolve({ ok: false, output: `${output}${error.message}`, timedOut: error.killed === true });
      },
    );
  });
}

/** Checks that `java` and `mvn` run; throws ApacheUnavailableError with the reason otherwise. */
export async function checkJavaTooling(): Promise<void> {
  const java = await runCommand('java', ['-version'], 20_000);
  if (!java.ok) throw new ApacheUnavailableError(`java is not usable: ${firstLine(java.output)}`);
  const mvn = await runCommand('mvn', ['-v'], 30_000);
  if (!mvn.ok) throw new ApacheUnavailableError(`mvn is not usable: ${firstLine(mvn.output)}`);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * Makes sure the server jars of `version` are in `<cacheDir>/<version>/lib`, downloading them once with Maven
 * (Maven keeps its own repository in ~/.m2). Concurrent callers each download into a private folder and the
 * first rename wins, so a half-copied folder is never used.
 */
export async function ensureApacheDistribution(options: DistributionOptions): Promise<ApacheDistribution> {
  const started = Date.now();
  const versionDir = path.join(options.cacheDir, options.version);
  const libDir = path.join(versionDir, 'lib');
  if (existsSync(path.join(versionDir, COMPLETE_MARKER)) && existsSync(libDir)) {
    return { version: options.version, libDir, downloaded: false, elapsedMs: Date.now() - started };
  }
  await checkJavaTooling();
  const pom = path.join(findInteropDir(), 'apache', 'pom.xml');
  await mkdir(options.cacheDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.cacheDir, `.staging-${options.version}-`));
  try {
    const stagingLib = path.join(staging, 'lib');
    const result = await runCommand(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pom,
        `-Drocketmq.version=${options.version}`,
        `-Dcache.lib.dir=${stagingLib}`,
        // Full coordinates (the version pinned in the pom): with Central unreachable, a prefix makes Maven fail
        // with "No plugin found for prefix" instead of naming the failed transfer.
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      ],
      options.downloadTimeoutMs,
    );
    if (!result.ok) {
      if (result.timedOut) {
        throw new ApacheUnavailableError(
          `cannot download Apache RocketMQ ${options.version}: Maven did not finish within ${options.downloadTimeoutMs} ms`,
        );
      }
      const why = describeMavenFailure(result.output);
      // Unreachable or unresolvable artifacts mean "no Apache peer here" (skip); anything else is our bug.
      if (MAVEN_NETWORK_ERROR.test(result.output)) {
        throw new ApacheUnavailableError(`cannot download Apache RocketMQ ${options.version}: ${why}`);
      }
      throw new Error(`Maven failed to copy Apache RocketMQ ${options.version}: ${why}`);
    }
    const jars = (await readdir(stagingLib)).filter((name) => name.endsWith('.jar'));
    if (!jars.some((name) => name.startsWith('rocketmq-broker-'))) {
      throw new ApacheUnavailableError(`Maven copied no rocketmq-broker jar into ${stagingLib}`);
    }
    await writeFile(path.join(staging, COMPLETE_MARKER), `${new Date().toISOString()} ${jars.length} jars\n`);
    try {
      await rename(staging, versionDir);
    } catch (error: unknown) {
      // Another process finished first (ENOTEMPTY/EEXIST): use its copy.
      if (!existsSync(path.join(versionDir, COMPLETE_MARKER))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { version: options.version, libDir, downloaded: true, elapsedMs: Date.now() - started };
}

const MAVEN_NETWORK_ERROR =
  /Could not (transfer|resolve|find artifact)|Unknown ?host|UnknownHost|Connection (refused|reset|timed out)|connect timed out|Network is unreachable|Temporary failure in name resolution|offline mode/i;

function describeMavenFailure(output: string): string {
  const lines = output.split('\n').filter((line) => line.includes('ERROR'));
  const prefix = MAVEN_NETWORK_ERROR.test(output) ? 'Maven Central unreachable: ' : '';
  return prefix + (lines.slice(0, 3).join(' | ') || firstLine(output)).slice(0, 600);
}
