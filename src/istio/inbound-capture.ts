import type { WorkloadInfo } from '../cluster/model.js';

const INCLUDE = 'traffic.sidecar.istio.io/includeInboundPorts';
const EXCLUDE = 'traffic.sidecar.istio.io/excludeInboundPorts';

/** The inbound-capture annotation that makes the sidecar let traffic to `port` through to the application untouched, if any. */
export function inboundBypass(workload: WorkloadInfo, port: number): string | undefined {
  const listed = (name: string) => (workload.annotations[name] ?? '').split(',').map((entry) => entry.trim());
  const include = workload.annotations[INCLUDE];
  if (include !== undefined && !listed(INCLUDE).some((entry) => entry === '*' || entry === String(port))) return INCLUDE;
  return listed(EXCLUDE).includes(String(port)) ? EXCLUDE : undefined;
}
