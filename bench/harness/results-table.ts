/** Everything a run prints on stdout: probes, peers, one table per comparison, the peer table and a summary. */
import Table from 'cli-table3';
import type { BenchReport } from './bench-report.js';
import { formatNumber, formatRatio, formatSpread } from './format.js';
import { metricInfo } from './metrics.js';
import { buildReferenceTable } from './reference-table.js';
import type { ComparisonResult, ContenderResult } from './runner.js';
import type { SettingValue } from './workload.js';

function table(head: string[]): Table.Table {
  // No colours: the output is read in CI logs and pasted into issues.
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true });
}

export function loadOf(settings: Readonly<Record<string, SettingValue>>): string {
  switch (settings['load']) {
    case 'window':
      return `${settings['inFlight']} in flight`;
    case 'fixed rate':
      return `${settings['perSecond']}/s fixed`;
    case 'drain (catch-up)':
      return 'drain';
    default:
      return typeof settings['load'] === 'string' ? settings['load'] : '';
  }
}

function settingsLine(settings: Readonly<Record<string, SettingValue>>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

function statusCell(c: ContenderResult): string {
  if (c.status === 'measured') {
    const incomplete = c.rounds.filter((r) => r.measurement?.incomplete !== undefined).length;
    const failed = c.rounds.filter((r) => r.error !== undefined).length;
    const notes = [incomplete > 0 ? `${incomplete} incomplete` : '', failed > 0 ? `${failed} failed` : ''].filter(
      (s) => s !== '',
    );
    return `${c.rounds.length - failed} rounds${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  }
  return c.status === 'not-yet-built' ? 'not yet built' : `${c.status}: ${c.reason ?? ''}`;
}

export function probesText(report: BenchReport): string {
  const { probes } = report;
  if (probes.start === null) return 'Physical limits: not measured (--skip-probes)\n';
  const t = table(['physical limit', 'start', 'end', 'moved', 'reference machine']);
  for (const d of probes.drifts) {
    t.push([
      d.label,
      `${formatNumber(d.start)} ${d.unit}`,
      d.end === null ? '-' : `${formatNumber(d.end)} ${d.unit}`,
      d.change === null ? '-' : `${(d.change * 100).toFixed(0)}%${d.moved ? ' !' : ''}`,
      d.reference,
    ]);
  }
  const failures = [...(probes.start.failures ?? []), ...(probes.end?.failures ?? [])].map(
    (f) => `  probe failed: ${f.probe}: ${f.reason}\n`,
  );
  const verdict =
    probes.end === null
      ? 'end probes not run'
      : probes.noisy
        ? `NOISY RUN: a physical limit moved more than ${probes.threshold * 100}% between start and end`
        : `steady: no physical limit moved more than ${probes.threshold * 100}%`;
  return `Physical limits of this machine (start and end of the run)\n${t.toString()}\n${failures.join('')}${verdict}\n`;
}

export function peersText(report: BenchReport): string {
  if (report.peers.length === 0) return 'Peers: none needed by the selected comparisons\n';
  const t = table(['peer', 'state', 'version', 'where', 'note']);
  for (const p of report.peers) {
    const e = p.endpoint;
    t.push([
      p.name,
      p.state === 'ready'
        ? `${e?.origin ?? ''}${p.startMs === undefined ? '' : ` in ${(p.startMs / 1000).toFixed(1)} s`}`
        : 'skipped',
      e?.version ?? '-',
      e === undefined ? '-' : `${e.host}:${e.port} pid ${e.pids.join(',') || '?'}`,
      p.reason ?? '',
    ]);
  }
  return `Peers\n${t.toString()}\n`;
}

/** `extra.fdatasync=12 extra.eventLoopP99Ms=2.4`: medians of the workload-specific figures. */
function extrasLine(summary: ContenderResult['summary']): string {
  return Object.entries(summary)
    .filter(([key, spread]) => key.startsWith('extra.') && spread !== undefined)
    .map(([key, spread]) => `${key.slice('extra.'.length)}=${formatNumber(spread!.median)}`)
    .join(' ');
}

export function comparisonText(result: ComparisonResult): string {
  // Micro-benchmarks count operations, not messages consumed end to end.
  const rateKey = result.metric === 'opsPerSec' ? 'opsPerSec' : 'msgPerSec';
  const head = [
    'contender',
    'load',
    'dur.',
    'status',
    rateKey === 'opsPerSec' ? 'ops/s' : 'e2e msg/s',
    'send RT p50/p99 ms',
    'e2e p50/p99/p99.9 ms',
    'CPU us/msg client/server',
  ];
  const t = table(head);
  for (const c of result.contenders) {
    const s = c.summary;
    const latency = (...spreads: (typeof s.e2eP50Ms)[]): string =>
      spreads.every((x) => x === undefined) ? '-' : spreads.map((x) => formatNumber(x?.median)).join(' / ');
    t.push([
      `${c.role === 'subject' ? '* ' : ''}${c.label}`,
      loadOf(c.settings),
      c.durability ?? '',
      statusCell(c),
      c.status === 'measured' ? formatSpread(s[rateKey]) : c.status === 'not-yet-built' ? 'not yet built' : '-',
      latency(s.sendP50Ms, s.sendP99Ms),
      latency(s.e2eP50Ms, s.e2eP99Ms, s.e2eP999Ms),
      latency(s.clientCpuUsPerMsg, s.serverCpuUsPerMsg),
    ]);
  }
  const lines: string[] = [`${result.id}  ${result.title}`, t.toString()];
  for (const c of result.contenders) {
    if (Object.keys(c.settings).length > 0) lines.push(`  settings ${c.label}: ${settingsLine(c.settings)}`);
    const extras = extrasLine(c.summary);
    if (extras !== '') lines.push(`  figures ${c.label}: ${extras}`);
    for (const r of c.rounds)
      if (r.error !== undefined) lines.push(`  round ${r.round + 1} ${c.label} failed: ${r.error}`);
  }
  for (const r of result.ratios) {
    const label = `  ours / ${r.baselineLabel} (${metricInfo(r.metric).label}):`;
    lines.push(
      r.spread === null || !r.comparable
        ? `${label} ${r.spread === null ? '' : `${formatRatio(r.spread)} `}${r.reason ?? ''}`
        : `${label} ${formatRatio(r.spread)} over ${r.spread.n} rounds`,
    );
  }
  for (const target of result.targets) {
    const value = target.value === null ? '' : ` (${formatNumber(target.value)} vs ${formatNumber(target.threshold)})`;
    lines.push(`  ${target.level} ${target.text}: ${target.verdict}${value}`);
  }
  if (result.note !== undefined) lines.push(`  note: ${result.note}`);
  if (result.capped !== undefined) lines.push(`  CAPPED: ${result.capped}`);
  return `${lines.join('\n')}\n`;
}

export function referenceText(report: BenchReport): string {
  const rows = buildReferenceTable(report.comparisons);
  if (rows.length === 0) return '';
  const t = table([
    'setup (1 KiB)',
    '1000 in flight',
    '64 in flight',
    '1 in flight',
    'p50 / p99 at 2000/s ms',
    'drain msg/s',
    'server CPU us/msg',
  ]);
  for (const r of rows) {
    const cell = (x: typeof r.window64): string =>
      x === null ? (r.status === 'not yet built' ? 'not yet built' : '-') : formatSpread(x);
    t.push([
      r.label,
      cell(r.window1000),
      cell(r.window64),
      cell(r.window1),
      r.rate2000P50 === null
        ? cell(null)
        : `${formatNumber(r.rate2000P50.median)} / ${formatNumber(r.rate2000P99?.median)}`,
      cell(r.drain),
      r.serverCpuUsPerMsg === null ? '-' : formatNumber(r.serverCpuUsPerMsg.median),
    ]);
  }
  return `Peer table (BENCHMARKS.md layout), e2e msg/s median (min-max) over rounds\n${t.toString()}\n`;
}

export function summaryText(report: BenchReport): string {
  const t = table(['#', 'headline', 'ours', 'baseline', 'ours / baseline', 'floor', 'goal']);
  for (const r of report.comparisons) {
    const subject = r.contenders[0];
    const ratio =
      r.ratios.find((x) => x.metric === r.metric && x.comparable) ?? r.ratios.find((x) => x.metric === r.metric);
    const baseline = r.contenders.find((c) => c.key === ratio?.baselineKey);
    const target = (level: 'floor' | 'goal'): string =>
      r.targets
        .filter((x) => x.level === level)
        .map((x) => `${x.text}: ${x.verdict}`)
        .join('; ');
    t.push([
      r.id,
      metricInfo(r.metric).label,
      subject === undefined
        ? '-'
        : subject.status === 'measured'
          ? formatSpread(subject.summary[r.metric])
          : subject.status === 'not-yet-built'
            ? 'not yet built'
            : subject.status,
      baseline === undefined
        ? '-'
        : `${baseline.label}: ${baseline.status === 'measured' ? formatSpread(baseline.summary[r.metric]) : baseline.status}`,
      ratio === undefined ? '-' : ratio.spread === null ? 'n/a' : formatRatio(ratio.spread),
      target('floor'),
      target('goal'),
    ]);
  }
  for (const s of report.skippedComparisons) t.push([s.id, '', '', '', '', s.reason, '']);
  const flags = [report.noisy ? 'NOISY RUN' : '', report.capped !== undefined ? `CAPPED: ${report.capped}` : ''].filter(
    (x) => x !== '',
  );
  return `Summary${flags.length > 0 ? ` (${flags.join(', ')})` : ''}\n${t.toString()}\n`;
}
