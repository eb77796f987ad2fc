import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILE_NAMES, writeCertificateFiles } from '../src/certs/files.js';
import { bodyMix, distinctEntries, type MixEntry } from './body-mix.js';
import { chartNodeOptions } from './chart-runtime.js';
import { CLUSTER_SCENARIOS, scenarioView, type ClusterScenario } from './clusters.js';
import { measureEvaluation } from './evaluation-cost.js';
import { LoadGenerator } from './load-generator.js';
import type { LoadRun } from './load-protocol.js';
import { freePort, startServer, type ServerProcess } from './processes.js';
import { describeMachine, serverFigures, type BenchReport, type MeasuredRun } from './report.js';
import { ISSUE_SCALE } from './synthetic-cluster.js';
import { checkTargets } from './targets.js';

export interface BenchOptions {
  connections: number;
  /** Length of each measured run (four of them: A B A B). */
  run: LoadRun['length'];
  /** Length of the unrecorded warm-up of each server before the first run (none when omitted). */
  warmup?: LoadRun['length'];
  /** Timed handleReview calls per review of the mix (after as many warm-up calls). */
  evaluationIterations: number;
  /** Write V8 CPU profiles of the server processes into this directory (meshguard.cpuprofile, floor.cpuprofile, stack-floor.cpuprofile). */
  profileDir?: string;
  /** Clusters of the in-process measurement, smallest first; meshguard is served with the last (default: every scenario). */
  clusters?: readonly ClusterScenario[];
  /** Also serve meshguard's HTTP stack with a fixed answer (bench/stack-floor.ts): A B C A B C. */
  stackFloor?: boolean;
  /** The stack floor spends this many µs of CPU on each review before answering (default 0). */
  stackFloorReviewMicros?: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  connections: 32,
  run: { seconds: 20 },
  warmup: { seconds: 3 },
  evaluationIterations: 2000,
};

const SERVE_WITH_CLUSTER = fileURLToPath(new URL('./serve-with-cluster.js', import.meta.url));
const FLOOR_SERVER = fileURLToPath(new URL('./floor-server.js', import.meta.url));
const STACK_FLOOR_SERVER = fileURLToPath(new URL('./stack-floor.js', import.meta.url));
const ROUNDS = 2;
/** meshguard's default, which the served process also uses. */
const ROOT_NAMESPACE = 'istio-system';

/** One whole benchmark: meshguard and the floor (and the stack floor when asked) under the same load, A B A B, then the in-process cost. */
export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const machine = describeMachine();
  const clusters = options.clusters ?? CLUSTER_SCENARIOS;
  const served = clusters.at(-1);
  if (!served) throw new Error('the benchmark needs at least one cluster scenario');
  const mix = bodyMix();
  const nodeOptions = chartNodeOptions();
  const certDir = mkdtempSync(join(tmpdir(), 'meshguard-bench-'));
  const servers: ServerProcess[] = [];
  const runs: MeasuredRun[] = [];
  let load: LoadGenerator | undefined;
  try {
    writeCertificateFiles({ dir: certDir, service: 'meshguard', namespace: 'meshguard', days: 1 });
    const caPem = readFileSync(join(certDir, FILE_NAMES.caCert), 'utf8');
    const [meshguard, floor, stackFloor] = await Promise.all([
      startMeshguard(certDir, caPem, mix, served, nodeOptions, options),
      startFloor('floor', FLOOR_SERVER, certDir, caPem, mix, options),
      options.stackFloor ? startFloor('stack-floor', STACK_FLOOR_SERVER, certDir, caPem, mix, options, ['--review-us', String(options.stackFloorReviewMicros ?? 0)]) : undefined,
    ]);
    servers.push(meshguard, floor, ...(stackFloor ? [stackFloor] : []));
    const startupPeakRss = new Map(servers.map((server) => [server, server.peakRssBytes()]));
    const figuresOf = (server: ServerProcess) => serverFigures(server.name, runs, { startup: startupPeakRss.get(server)!, overall: server.peakRssBytes() });

    load = LoadGenerator.start();
    const requests = mix.map(({ path, body, uid }) => ({ path, body, uid }));
    const runAgainst = async (server: ServerProcess, length: LoadRun['length'], record: boolean): Promise<MeasuredRun> => {
      const cpuBefore = server.cpuSeconds();
      const result = await load!.run({ target: server.name, url: server.url, caPem, connections: options.connections, length, record, requests });
      return { ...result, serverCpuSeconds: server.cpuSeconds() - cpuBefore };
    };

    if (options.warmup) for (const server of servers) await runAgainst(server, options.warmup, false);
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) runs.push(await runAgainst(server, options.run, true));
    }
    const meshguardFigures = figuresOf(meshguard);
    const floorFigures = figuresOf(floor);
    const stackFloorFigures = stackFloor && figuresOf(stackFloor);
    load.close();
    await Promise.all(servers.map((server) => server.stop()));

    const report = {
      machine,
      load: {
        connections: options.connections,
        mix: mix.length,
        run: describeLength(options.run),
        servedCluster: served.label,
        nodeOptions: nodeOptions.join(' '),
        ...(stackFloor ? { stackFloorReviewMicros: options.stackFloorReviewMicros ?? 0 } : {}),
      },
      runs,
      meshguard: meshguardFigures,
      floor: floorFigures,
      ...(stackFloorFigures ? { stackFloor: stackFloorFigures } : {}),
      ratios: {
        throughput: meshguardFigures.requestsPerSecond / floorFigures.requestsPerSecond,
        p99: meshguardFigures.latency.p99 / floorFigures.latency.p99,
      },
      ...evaluationFigures(mix, clusters, options.evaluationIterations),
    };
    return { ...report, targets: checkTargets(report, served.pods >= ISSUE_SCALE.pods) };
  } finally {
    load?.close();
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(certDir, { recursive: true, force: true });
  }
}

async function startMeshguard(
  certDir: string,
  caPem: string,
  mix: readonly MixEntry[],
  cluster: ClusterScenario,
  nodeOptions: readonly string[],
  options: BenchOptions,
): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    name: 'meshguard',
    args: [...nodeOptions, ...profileArgs('meshguard', options), SERVE_WITH_CLUSTER, '--cluster', cluster.name],
    env: {
      MESHGUARD_HOST: '127.0.0.1',
      MESHGUARD_ADMISSION_PORT: String(port),
      MESHGUARD_HEALTH_PORT: '0',
      MESHGUARD_CERT_DIR: certDir,
      MESHGUARD_LOG_LEVEL: 'info',
    },
    port,
    caPem,
    probe: mix[0]!,
    startupTimeoutMs: 60_000,
  });
}

async function startFloor(
  name: string,
  script: string,
  certDir: string,
  caPem: string,
  mix: readonly MixEntry[],
  options: BenchOptions,
  extraArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    name,
    args: [...profileArgs(name, options), script, '--cert-dir', certDir, '--port', String(port), ...extraArgs],
    port,
    caPem,
    probe: mix[0]!,
    startupTimeoutMs: 10_000,
  });
}

function profileArgs(name: string, { profileDir }: BenchOptions): string[] {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}.cpuprofile`] : [];
}

function evaluationFigures(mix: readonly MixEntry[], clusters: readonly ClusterScenario[], iterations: number): Pick<BenchReport, 'clusters' | 'evaluation' | 'slowestReviews'> {
  const entries = distinctEntries(mix);
  const perCluster = measureEvaluation(entries, clusters.map((scenario) => scenarioView(scenario, ROOT_NAMESPACE)), iterations);
  const evaluation = perCluster[0]!.kinds.map(({ kind }) => ({
    kind,
    medianMicros: perCluster.map((cost) => cost.kinds.find((row) => row.kind === kind)!.medianMicros),
  }));
  return { clusters: clusters.map(({ name, label }) => ({ name, label })), evaluation, slowestReviews: perCluster.map((cost) => cost.slowest) };
}

function describeLength(length: LoadRun['length']): string {
  return 'seconds' in length ? `${length.seconds} s` : `${length.requests} requests`;
}
