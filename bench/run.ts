/**
 * `npm run bench`: probes the machine, starts (or reuses) the peers the selected comparisons need, runs every
 * comparison in interleaved rounds, probes again, stops every server it started, prints the tables and saves
 * bench/results/<timestamp>.json with an SVG chart beside it. See bench/README.md.
 */
import os from 'node:os';
import { BenchUsageError, isSelected, parseBenchOptions, USAGE, type BenchOptions } from './harness/bench-options.js';
import { REPORT_SCHEMA, type BenchReport } from './harness/bench-report.js';
import { isNotYetBuilt, type Comparison } from './harness/comparison.js';
import { saveResults } from './harness/results-file.js';
import { comparisonText, peersText, probesText, referenceText, summaryText } from './harness/results-table.js';
import { runComparison, type ComparisonResult } from './harness/runner.js';
import { stopAllChildServers } from './peers/child-server.js';
import { PeerPool } from './peers/peer-pool.js';
import type { PeerName } from './peers/peer-server.js';
import { compareProbes, NOISE_THRESHOLD, runProbes, type ProbeRun } from './probes/probe-suite.js';
import { buildCatalog } from './workloads/catalog.js';

const log = (line: string): void => console.log(line);

function neededPeers(comparisons: readonly Comparison[]): PeerName[] {
  const names = new Set<PeerName>();
  for (const c of comparisons) {
    for (const slot of [c.subject, ...c.baselines])
      if (!isNotYetBuilt(slot)) for (const p of slot.requires) names.add(p);
  }
  return [...names];
}

function listCatalog(comparisons: readonly Comparison[]): void {
  for (const c of comparisons) {
    log(`${c.id.padEnd(8)} ${c.title}`);
    for (const slot of [c.subject, ...c.baselines]) {
      log(
        `         ${isNotYetBuilt(slot) ? 'not yet built' : `needs ${slot.requires.join(',') || 'nothing'}`.padEnd(15)}  ${slot.key}  ${slot.label}`,
      );
    }
  }
}

async function main(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const runStart = performance.now();
  const runDeadlineMs = runStart + options.runCapS * 1000;
  const catalog = buildCatalog();
  const selected = catalog.filter((c) => isSelected(c.id, options.only));
  if (options.list) {
    listCatalog(catalog);
    return 0;
  }
  if (selected.length === 0) {
    log(`no comparison matches --only ${options.only.join(',')} (try --list)`);
    return 2;
  }
  const p = options.plan;
  log(
    `Rocketnest bench: ${selected.map((c) => c.id).join(' ')} | ${options.rounds} rounds | ${options.quick ? 'quick' : 'full'}: ` +
      `warm-up ${p.warmUpMessages} msgs, measure ${p.measureMessages} msgs or ${p.measureMs / 1000} s, fixed rate ${p.fixedRateMs / 1000} s, ` +
      `drain ${p.drainMessages} | caps ${options.workloadCapS} s per workload, ${options.runCapS} s per run`,
  );
  log(
    `host: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.release()}`,
  );

  const probeBudgetMs = options.quick ? 300 : 1000;
  let startProbes: ProbeRun | null = null;
  if (!options.skipProbes) {
    log('probing physical limits (start)...');
    startProbes = await runProbes(probeBudgetMs, log);
  }

  const pool = new PeerPool();
  let stopping = false;
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    stopping = true;
    log(`\n${signal}: stopping peers...`);
    void Promise.allSettled([pool.stopAll(), stopAllChildServers()]).then(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  // A client library failing outside any awaited call must not leave servers behind: stop them, then exit.
  const stopOnCrash = (error: unknown): void => {
    // Clients of servers being stopped fail loudly: after a signal that is expected, not a crash.
    if (stopping) {
      log(`  (while stopping: ${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    stopping = true;
    console.error('bench crashed:', error);
    void Promise.allSettled([pool.stopAll(), stopAllChildServers()]).then(() => process.exit(1));
  };
  process.on('uncaughtException', stopOnCrash);
  process.on('unhandledRejection', stopOnCrash);

  const results: ComparisonResult[] = [];
  const skippedComparisons: { id: string; reason: string }[] = [];
  let capped: string | undefined;
  const peerController = new AbortController();
  const peerTimer = setTimeout(() => peerController.abort(), Math.max(0, runDeadlineMs - performance.now()));
  try {
    const needed = neededPeers(selected);
    if (needed.length > 0) log(`starting peers: ${needed.join(', ')}...`);
    await pool.start(needed, options.peers, {
      installPeers: options.installPeers,
      reusePeers: options.reusePeers,
      signal: peerController.signal,
      log,
    });
    const interim: BenchReport = emptyReport(options, startedAt, pool);
    log(peersText(interim));
    for (const comparison of selected) {
      if (performance.now() >= runDeadlineMs) {
        capped = `run time cap of ${options.runCapS} s reached`;
        skippedComparisons.push({ id: comparison.id, reason: capped });
        continue;
      }
      log(`== ${comparison.id} ${comparison.title}`);
      const result = await runComparison(comparison, {
        rounds: options.rounds,
        plan: options.plan,
        workloadCapMs: options.workloadCapS * 1000,
        runDeadlineMs,
        peers: pool.endpoints(),
        peerSkipReason: (name) => pool.status(name)?.reason ?? 'not started',
        probe: (key) => {
          const figure = startProbes?.figures.find((f) => f.key === key);
          return figure === undefined ? null : { value: figure.value, unit: figure.unit };
        },
        log,
      });
      results.push(result);
      log(comparisonText(result));
    }
  } finally {
    clearTimeout(peerTimer);
    log('stopping peers...');
    await pool.stopAll();
    await stopAllChildServers();
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    process.removeListener('uncaughtException', stopOnCrash);
    process.removeListener('unhandledRejection', stopOnCrash);
  }

  let endProbes: ProbeRun | null = null;
  if (!options.skipProbes) {
    log('probing physical limits (end)...');
    endProbes = await runProbes(probeBudgetMs, log);
  }
  const { drifts, noisy } = startProbes === null ? { drifts: [], noisy: false } : compareProbes(startProbes, endProbes);
  const report: BenchReport = {
    ...emptyReport(options, startedAt, pool),
    finishedAt: new Date().toISOString(),
    elapsedMs: performance.now() - runStart,
    probes: { start: startProbes, end: endProbes, drifts, noisy, threshold: NOISE_THRESHOLD },
    comparisons: results,
    noisy,
    capped,
    skippedComparisons,
  };
  log(probesText(report));
  log(referenceText(report));
  log(summaryText(report));
  const saved = await saveResults(report, options.resultsDir);
  log(`results: ${saved.json}\nchart:   ${saved.svg}\ntook ${(report.elapsedMs / 1000).toFixed(0)} s`);
  return 0;
}

function emptyReport(options: BenchOptions, startedAt: Date, pool: PeerPool): BenchReport {
  const { help: _help, list: _list, ...saved } = options;
  return {
    schema: REPORT_SCHEMA,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    elapsedMs: 0,
    host: {
      hostname: os.hostname(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      kernel: os.release(),
    },
    options: saved,
    probes: { start: null, end: null, drifts: [], noisy: false, threshold: NOISE_THRESHOLD },
    peers: pool.all(),
    comparisons: [],
    noisy: false,
    skippedComparisons: [],
  };
}

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  log(USAGE);
} else {
  main(options).then(
    (code) => {
      process.exitCode = code;
      // A client library that keeps a handle open must not keep the bench alive once everything is saved.
      setTimeout(() => process.exit(code), 5000).unref();
    },
    async (error: unknown) => {
      console.error(error);
      await stopAllChildServers();
      process.exit(1);
    },
  );
}
