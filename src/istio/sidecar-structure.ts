import { isIP } from 'node:net';
import { isListenerPort } from './addresses.js';
import type { SidecarSpec } from './kinds.js';
import { selectorProblems } from './selector.js';
import type { StructureProblem } from './structure.js';

type Ingress = NonNullable<SidecarSpec['ingress']>[number];
type ServerTls = NonNullable<Ingress['tls']>;

/** Protocols istiod's protocol.Parse knows (case-insensitive); HTTPS and TLS are the TLS ones. */
const PROTOCOLS = ['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql'];
const DEFAULT_ENDPOINT_HOSTS = ['', '127.0.0.1', '0.0.0.0', '::1', '::'];

/**
 * What istiod's ValidateSidecar rejects, for the parts meshguard guards: the workload selector, an
 * empty Sidecar, and the ingress listeners with their TLS settings (egress is left to istiod).
 */
export function sidecarProblems(spec: SidecarSpec | undefined): StructureProblem[] {
  const problems: StructureProblem[] = [];
  problems.push(...selectorProblems(spec?.workloadSelector?.labels, 'spec.workloadSelector.labels'));
  if (!spec?.egress?.length && !spec?.ingress?.length && !spec?.outboundTrafficPolicy && !spec?.inboundConnectionPool) {
    problems.push({ path: 'spec', problem: 'the Sidecar configures nothing', fix: 'Add ingress, egress or outboundTrafficPolicy, or delete the Sidecar.' });
  }
  const seen = new Set<number>();
  spec?.ingress?.forEach((ingress, i) => {
    const base = `spec.ingress[${i}]`;
    problems.push(...listenerProblems(ingress, base));
    if (seen.has(ingress.port.number ?? 0)) problems.push({ path: `${base}.port.number`, problem: `port ${ingress.port.number} has a second ingress listener`, fix: 'Keep one ingress entry per port.' });
    seen.add(ingress.port.number ?? 0);
    if (ingress.tls) problems.push(...tlsProblems(ingress.tls, ingress.port.protocol ?? '', `${base}.tls`));
  });
  return problems;
}

function listenerProblems(ingress: Ingress, base: string): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const { number, protocol, targetPort } = ingress.port;
  if (number === undefined || !isListenerPort(number)) problems.push({ path: `${base}.port.number`, problem: 'the ingress port is not a port number from 1 to 65535', fix: 'Set port.number to the port the workload receives traffic on.' });
  if (!PROTOCOLS.includes((protocol ?? '').toLowerCase())) {
    problems.push({ path: `${base}.port.protocol`, problem: `protocol ${JSON.stringify(protocol ?? '')} is not one Istio knows`, fix: 'Use HTTP, HTTP2, GRPC, HTTPS, TLS or TCP.' });
  }
  if ((targetPort ?? 0) > 0) problems.push({ path: `${base}.port.targetPort`, problem: 'targetPort has no effect on a Sidecar', fix: 'Remove targetPort; set defaultEndpoint to forward to another port.' });
  if (ingress.bind && isIP(ingress.bind) === 0) problems.push({ path: `${base}.bind`, problem: `bind ${JSON.stringify(ingress.bind)} is not an IP address`, fix: 'Set bind to an IP address, or remove it.' });
  const endpoint = ingress.defaultEndpoint;
  if (endpoint && !endpoint.startsWith('unix://') && !isValidDefaultEndpoint(endpoint)) {
    problems.push({ path: `${base}.defaultEndpoint`, problem: `defaultEndpoint ${JSON.stringify(endpoint)} is not a loopback or wildcard address with a port`, fix: 'Use 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>.' });
  }
  return problems;
}

function isValidDefaultEndpoint(endpoint: string): boolean {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(endpoint);
  if (!match) return false;
  return DEFAULT_ENDPOINT_HOSTS.includes(match[1] ?? match[2] ?? '') && isListenerPort(Number(match[3]));
}

/** The sidecar-specific checks, then validateTLSOptions for file-based server certificates. */
function tlsProblems(tls: ServerTls, protocol: string, base: string): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const unsupported: Array<[string, boolean]> = [
    ['credentialName', Boolean(tls.credentialName)],
    ['credentialNames', (tls.credentialNames ?? []).length > 0],
    ['tlsCertificates', (tls.tlsCertificates ?? []).length > 0],
    ['subjectAltNames', (tls.subjectAltNames ?? []).length > 0],
    ['httpsRedirect', tls.httpsRedirect === true],
  ];
  for (const [field] of unsupported.filter(([, set]) => set)) {
    problems.push({ path: `${base}.${field}`, problem: `${field} is not supported on a Sidecar ingress listener`, fix: SIDECAR_FIX[field] ?? 'Remove it.' });
  }
  if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') {
    problems.push({ path: `${base}.mode`, problem: `mode ${tls.mode} cannot terminate TLS on a Sidecar ingress listener`, fix: 'Use SIMPLE or MUTUAL with certificate files, or drop tls and let PeerAuthentication handle Istio mTLS.' });
    return problems;
  }
  if (!['https', 'tls'].includes(protocol.toLowerCase())) {
    problems.push({ path: `${base.replace(/\.tls$/, '')}.port.protocol`, problem: `the listener has TLS settings but port.protocol is ${JSON.stringify(protocol)}, not HTTPS or TLS`, fix: 'Set port.protocol to HTTPS (or TLS for non-HTTP traffic).' });
  }
  const terminates = tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  if (!terminates || problems.some((p) => /credentialNames?$|tlsCertificates$/.test(p.path))) return problems;
  for (const field of ['serverCertificate', 'privateKey'] as const) {
    if (!tls[field]) problems.push({ path: `${base}.${field}`, problem: `mode ${tls.mode} needs ${field}`, fix: `Set ${field} to the file mounted in the istio-proxy container.` });
  }
  if (tls.mode !== 'SIMPLE' && !tls.caCertificates) {
    problems.push({ path: `${base}.caCertificates`, problem: `mode ${tls.mode} needs caCertificates to verify client certificates`, fix: 'Set caCertificates to the CA bundle file mounted in the istio-proxy container, or use mode SIMPLE.' });
  }
  if (tls.mode === 'SIMPLE' && tls.caCrl) problems.push({ path: `${base}.caCrl`, problem: 'caCrl has no use with mode SIMPLE', fix: 'Remove caCrl, or use MUTUAL.' });
  return problems;
}

const SIDECAR_FIX: Readonly<Record<string, string>> = {
  credentialName: 'A Sidecar reads certificates from files: set serverCertificate and privateKey to files mounted in the istio-proxy container (sidecar.istio.io/userVolume and userVolumeMount).',
  credentialNames: 'A Sidecar reads certificates from files: set serverCertificate and privateKey to files mounted in the istio-proxy container.',
  tlsCertificates: 'Set a single serverCertificate and privateKey instead.',
  subjectAltNames: 'Remove subjectAltNames; verify client certificates with caCertificates.',
  httpsRedirect: 'Remove httpsRedirect.',
};
