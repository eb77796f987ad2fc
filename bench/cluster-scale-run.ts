import { parseArgs } from 'node:util';
import { formatClusterScale, measureClusterScale } from './cluster-scale.js';
import { DEFAULT_SIZE } from './synthetic-cluster.js';

const { values } = parseArgs({ options: { namespaces: { type: 'string' }, workloads: { type: 'string' }, iterations: { type: 'string' } } });
const report = measureClusterScale(
  {
    namespaces: Number(values.namespaces ?? DEFAULT_SIZE.namespaces),
    workloadsPerNamespace: Number(values.workloads ?? DEFAULT_SIZE.workloadsPerNamespace),
  },
  Number(values.iterations ?? 200),
);
process.stdout.write(formatClusterScale(report));
process.exitCode = report.reviews.some((r) => r.failures.length > 0) ? 1 : 0;
