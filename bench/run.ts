import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, runBenchmark, type BenchOptions } from './benchmark.js';
import { CLUSTER_SCENARIOS, scenarioNamed } from './clusters.js';
import { formatReport } from './report.js';

const USAGE = `npm run bench [-- --seconds N] [--connections N] [--clusters A,B] [--json FILE] [--cpu-prof DIR] [--stack-floor]
  --seconds N      length of each of the four measured runs (default ${'seconds' in DEFAULT_OPTIONS.run ? DEFAULT_OPTIONS.run.seconds : ''})
  --connections N  concurrent keep-alive connections (default ${DEFAULT_OPTIONS.connections})
  --clusters A,B   cluster scenarios, smallest first (default ${CLUSTER_SCENARIOS.map((s) => s.name).join(',')}): empty;
                   reviewed, the reviewed namespaces (ns-000, ns-001) alone; synthetic, the 10,000-pod cluster.
                   meshguard is served with the last. The cluster-size target (synthetic ÷ reviewed) needs
                   both of those; the peak RSS target needs synthetic served
  --json FILE      also write the report as JSON
  --cpu-prof DIR   write V8 CPU profiles of the servers into DIR (meshguard.cpuprofile, floor.cpuprofile, stack-floor.cpuprofile);
                   node dist/bench/profile-summary.js DIR/meshguard.cpuprofile sums them up
  --stack-floor    also serve meshguard's HTTP stack answering the floor's fixed review (runs A B C A B C):
                   splits meshguard's cost over the floor into the framework's and the reviews'
  --stack-floor-review-us N
                   the stack floor spends N µs of CPU on each review before answering (implies --stack-floor):
                   the throughput and latency reviews of that cost could reach on meshguard's HTTP stack`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    clusters: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'stack-floor': { type: 'boolean' },
    'stack-floor-review-us': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const options: BenchOptions = {
  ...DEFAULT_OPTIONS,
  ...(values.seconds ? { run: { seconds: positiveInteger('--seconds', values.seconds) } } : {}),
  ...(values.connections ? { connections: positiveInteger('--connections', values.connections) } : {}),
  ...(values['cpu-prof'] ? { profileDir: values['cpu-prof'] } : {}),
  ...(values.clusters ? { clusters: scenarios(values.clusters) } : {}),
  ...(values['stack-floor'] ? { stackFloor: true } : {}),
  ...(values['stack-floor-review-us'] ? { stackFloor: true, stackFloorReviewMicros: positiveInteger('--stack-floor-review-us', values['stack-floor-review-us']) } : {}),
};
if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });

const report = await runBenchmark(options);
process.stdout.write(formatReport(report));
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.targets.some((check) => check.met === false) ? 1 : 0;

function scenarios(names: string) {
  try {
    return names.split(',').map((name) => scenarioNamed(name.trim()));
  } catch (error) {
    process.stderr.write(`--clusters: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    process.stderr.write(`${flag} must be a positive integer, got "${value}"\n${USAGE}\n`);
    process.exit(2);
  }
  return number;
}
