import { cpus, loadavg } from 'node:os';
import type { RuleKind } from '../src/istio/kinds.js';
import { CLUSTER_RATIOS, clusterRatios, ratioHeading } from './cluster-ratios.js';
import type { ClusterScenario } from './clusters.js';
import type { ReviewCost } from './evaluation-cost.js';
import type { LatencyFigures, LoadResult } from './load-protocol.js';
import { totalErrors } from './load-protocol.js';

export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverage: number;
}

/** A load run and the CPU the server process spent during it. */
export interface MeasuredRun extends LoadResult {
  serverCpuSeconds: number;
}

export interface ServerFigures {
  name: string;
  requestsPerSecond: number;
  /** Server CPU time per answered review: its cost, whether or not the load generator kept it busy. */
  cpuMicrosPerRequest: number;
  latency: LatencyFigures;
  errors: number;
  denied: number;
  /** VmHWM over the whole process. */
  peakRssMb: number;
  /** VmHWM once started and ready (the cluster loaded), before any load. */
  startupPeakRssMb: number;
}

export interface EvaluationRow {
  kind: RuleKind;
  /** Median µs per cluster scenario, in the order of BenchReport.clusters. */
  medianMicros: number[];
}

export interface TargetCheck {
  target: string;
  actual: string;
  /** Undefined when the run could not measure it. */
  met: boolean | undefined;
}

export interface BenchReport {
  machine: Machine;
  load: {
    connections: number;
    mix: number;
    run: string;
    servedCluster: string;
    nodeOptions: string;
    /** With the stack floor: the CPU it spends on each review before answering. */
    stackFloorReviewMicros?: number;
  };
  runs: MeasuredRun[];
  meshguard: ServerFigures;
  floor: ServerFigures;
  /** meshguard's HTTP stack with the floor's fixed answer (`--stack-floor`): what the framework costs before any review. */
  stackFloor?: ServerFigures;
  ratios: { throughput: number; p99: number };
  /** Cluster scenarios of the in-process measurement, smallest first, e.g. `{ name: 'empty', label: 'empty cluster' }`. */
  clusters: Array<Pick<ClusterScenario, 'name' | 'label'>>;
  evaluation: EvaluationRow[];
  /** The costliest review of the mix, per cluster (in the order of `clusters`). */
  slowestReviews: ReviewCost[];
  targets: TargetCheck[];
}

export function describeMachine(now = new Date()): Machine {
  return { date: now.toISOString().slice(0, 10), cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverage: loadavg()[0] ?? 0 };
}

/** Totals of one server over its recorded runs (latency merged over those runs by the load generator). */
export function serverFigures(name: string, runs: readonly MeasuredRun[], peakRssBytes: { startup: number; overall: number }): ServerFigures {
  const own = runs.filter((run) => run.target === name);
  const last = own.at(-1);
  if (!last) throw new Error(`no recorded run of ${name}`);
  const requests = own.reduce((sum, run) => sum + run.requests, 0);
  const seconds = own.reduce((sum, run) => sum + run.seconds, 0);
  return {
    name,
    requestsPerSecond: requests / seconds,
    cpuMicrosPerRequest: (own.reduce((sum, run) => sum + run.serverCpuSeconds, 0) / requests) * 1e6,
    latency: last.cumulativeLatency,
    errors: own.reduce((sum, run) => sum + totalErrors(run.errors), 0),
    denied: own.reduce((sum, run) => sum + run.denied, 0),
    peakRssMb: peakRssBytes.overall / 2 ** 20,
    startupPeakRssMb: peakRssBytes.startup / 2 ** 20,
  };
}

export function formatReport(report: BenchReport): string {
  const { machine, load } = report;
  const ratioColumns = CLUSTER_RATIOS.flatMap((ratio) => {
    const values = clusterRatios(ratio, report);
    return values ? [{ heading: ratioHeading(ratio), meaning: ratio.meaning, values }] : [];
  });
  const lines = [
    `meshguard benchmark — ${machine.date}, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)} at the start`,
    `load: autocannon, HTTPS keep-alive, ${load.connections} connections, ${load.mix}-review mix, runs ${runOrder(report.runs)} of ${load.run}; meshguard served with the cluster "${load.servedCluster}" and the chart's ${load.nodeOptions}`,
    '',
    table(
      2,
      ['run', 'server', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'CPU %', 'CPU µs/req', 'errors', 'denied', 'peak RSS MB'],
      [
        ...report.runs.map((run, index) => [
          String(index + 1),
          run.target,
          fixed(run.requests / run.seconds, 0),
          ...latencyCells(run.latency),
          fixed((run.serverCpuSeconds / run.seconds) * 100, 0),
          fixed((run.serverCpuSeconds / run.requests) * 1e6, 0),
          String(totalErrors(run.errors)),
          String(run.denied),
          '',
        ]),
        ...[report.meshguard, report.floor, ...(report.stackFloor ? [report.stackFloor] : [])].map((server) => [
          'all',
          server.name,
          fixed(server.requestsPerSecond, 0),
          ...latencyCells(server.latency),
          '',
          fixed(server.cpuMicrosPerRequest, 0),
          String(server.errors),
          String(server.denied),
          fixed(server.peakRssMb, 0),
        ]),
      ],
    ),
    `meshguard/floor: throughput ${fixed(report.ratios.throughput, 2)}, p99 ${fixed(report.ratios.p99, 2)}, ` +
      `server CPU per review ${fixed(report.meshguard.cpuMicrosPerRequest / report.floor.cpuMicrosPerRequest, 2)}`,
    ...(report.stackFloor ? [stackFloorLine(report, report.stackFloor)] : []),
    ...(load.stackFloorReviewMicros
      ? [`the stack floor spent ${load.stackFloorReviewMicros} µs of CPU on each review before answering: what reviews of that cost could reach on meshguard's HTTP stack`]
      : []),
    `peak RSS when ready, before any load: meshguard ${fixed(report.meshguard.startupPeakRssMb, 0)} MB, floor ${fixed(report.floor.startupPeakRssMb, 0)} MB`,
    '',
    table(
      1,
      ['handleReview median µs', ...report.clusters.map((cluster) => cluster.label), ...ratioColumns.map((column) => column.heading)],
      report.evaluation.map((row, index) => [row.kind, ...row.medianMicros.map((us) => fixed(us, 1)), ...ratioColumns.map((column) => fixed(column.values[index]!, 2))]),
    ),
    ...ratioColumns.map((column) => `${column.heading}: ${column.meaning}`),
    ...report.slowestReviews.map((review, index) => `slowest review, ${report.clusters[index]!.label}: ${review.fixture} ${fixed(review.medianMicros, 1)} µs`),
    '',
    ...report.targets.map((check) => `${check.met === undefined ? 'n/a ' : check.met ? 'met ' : 'MISS'}  ${check.target}: ${check.actual}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `A B A B`, or `A B C A B C` with the stack floor: one letter per server, in the order the runs took turns. */
function runOrder(runs: readonly MeasuredRun[]): string {
  const servers = [...new Set(runs.map((run) => run.target))];
  return runs.map((run) => String.fromCharCode(65 + servers.indexOf(run.target))).join(' ');
}

/** Where meshguard's cost over the floor goes: the HTTP stack (stack floor over floor) and the reviews (meshguard over stack floor). */
function stackFloorLine({ meshguard, floor }: BenchReport, stack: ServerFigures): string {
  const ratios = (a: ServerFigures, b: ServerFigures) =>
    `throughput ${fixed(a.requestsPerSecond / b.requestsPerSecond, 2)}, server CPU per review ${fixed(a.cpuMicrosPerRequest / b.cpuMicrosPerRequest, 2)}`;
  return `stack-floor/floor: ${ratios(stack, floor)}; meshguard/stack-floor: ${ratios(meshguard, stack)}`;
}

function latencyCells(latency: LatencyFigures): string[] {
  return [fixed(latency.p50, 2), fixed(latency.p99, 2), fixed(latency.p999, 2)];
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

/** Text columns (the first `textColumns`) are left-aligned, numbers right-aligned. */
function table(textColumns: number, header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column < textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
