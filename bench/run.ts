import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, runBenchmark, type BenchOptions } from './benchmark.js';
import { formatReport } from './report.js';

const USAGE = `npm run bench [-- --seconds N] [--connections N] [--json FILE] [--cpu-prof DIR]
  --seconds N      length of each of the four measured runs (default ${'seconds' in DEFAULT_OPTIONS.run ? DEFAULT_OPTIONS.run.seconds : ''})
  --connections N  concurrent keep-alive connections (default ${DEFAULT_OPTIONS.connections})
  --json FILE      also write the report as JSON
  --cpu-prof DIR   write V8 CPU profiles of the meshguard process into DIR`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
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
};
if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });

const report = await runBenchmark(options);
process.stdout.write(formatReport(report));
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.targets.some((check) => check.met === false) ? 1 : 0;

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    process.stderr.write(`${flag} must be a positive integer, got "${value}"\n${USAGE}\n`);
    process.exit(2);
  }
  return number;
}
