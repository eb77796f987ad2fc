import { stringify } from 'yaml';
import type { ClusterView } from '../cluster/view.js';
import type { ServiceInfo } from '../cluster/model.js';
import type { AlphaAuthenticationPolicySpec } from './kinds.js';

type MtlsMode = 'STRICT' | 'PERMISSIVE';

/** A PeerAuthentication written out for a message; `selector` is text when it cannot be known offline. */
export interface ConvertedPolicy {
  namespace: string;
  name: string;
  /** One-line YAML (flow style) a user can paste into a manifest. */
  yaml: string;
}

export interface Conversion {
  policies: ConvertedPolicy[];
  /** What the conversion could not carry over, for the message. */
  caveats: string[];
}

export interface AlphaPolicyRef {
  kind: 'Policy' | 'MeshPolicy';
  namespace: string;
  name: string;
  spec: AlphaAuthenticationPolicySpec | undefined;
}

/**
 * The PeerAuthentication equivalent of a v1alpha1 Policy/MeshPolicy, following Istio's own migration
 * tool (istio-ecosystem/security-policy-migrate): `peers[0].mtls` is STRICT unless its mode says
 * PERMISSIVE; no peers or `peerIsOptional` did not require mTLS, which PERMISSIVE keeps. A MeshPolicy
 * becomes the mesh-wide policy of the root namespace. Targets named Services: their selector becomes the
 * workload selector and their Service ports become container ports (`portLevelMtls` keys).
 */
export function convertAlphaPolicy(policy: AlphaPolicyRef, view: ClusterView, rootNamespace: string): Conversion {
  const spec = policy.spec ?? {};
  const mode = alphaMode(spec);
  const caveats: string[] = [];
  if (Array.isArray(spec.origins) && spec.origins.length > 0) {
    caveats.push('Its origins (JWT) need a RequestAuthentication, plus an AuthorizationPolicy with requestPrincipals: ["*"] where a token is required');
  }
  const targets = Array.isArray(spec.targets) ? spec.targets.filter((t) => typeof t?.name === 'string' && t.name !== '') : [];
  if (targets.length === 0) {
    const namespace = policy.kind === 'MeshPolicy' ? rootNamespace : policy.namespace;
    const name = policy.kind === 'MeshPolicy' ? 'default' : policy.name;
    return { policies: [written(namespace, name, { mtls: { mode } })], caveats };
  }
  const policies = targets.map((target) => {
    const serviceName = target.name as string;
    const service = view.service(policy.namespace, serviceName);
    const name = `${policy.name}-${serviceName}`;
    const selector = service?.selector ? { ...service.selector } : `<spec.selector of Service ${serviceName}>`;
    const ports = (Array.isArray(target.ports) ? target.ports : []).map(
      (port) => containerPort(service, port, view) ?? `<targetPort of Service port ${port?.number ?? port?.name}>`,
    );
    const mtls = ports.length > 0 ? { portLevelMtls: Object.fromEntries(ports.map((p) => [String(p), { mode }])) } : { mtls: { mode } };
    const converted = written(policy.namespace, name, { selector: { matchLabels: selector }, ...mtls });
    if (converted.yaml.includes('<')) {
      caveats.push(`Service ${policy.namespace}/${serviceName} is not known (neither in the input nor in the cluster), so fill in the <...> of ${name} from its spec.selector and the targetPort of each port`);
    }
    return converted;
  });
  return { policies, caveats };
}

function alphaMode(spec: AlphaAuthenticationPolicySpec): MtlsMode {
  const peers = Array.isArray(spec.peers) ? spec.peers : [];
  const first = peers.find((peer) => peer && typeof peer === 'object' && 'mtls' in peer);
  if (!first || spec.peerIsOptional === true) return 'PERMISSIVE';
  return first.mtls?.mode === 'PERMISSIVE' ? 'PERMISSIVE' : 'STRICT';
}

/** The container port a v1alpha1 target port (a Service port, by number or name) sends to. */
function containerPort(service: ServiceInfo | undefined, port: { number?: number; name?: string } | null | undefined, view: ClusterView): number | undefined {
  const servicePort = service?.ports.find((p) => (port?.name && p.name === port.name) || (port?.number !== undefined && p.port === port.number));
  if (!service || !servicePort) return undefined;
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  const named = view.workloads(service.namespace, service.selector).flatMap((w) => w.containerPorts).find((p) => p.name === servicePort.targetPort);
  return named?.port;
}

function written(namespace: string, name: string, spec: object): ConvertedPolicy {
  const object = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec };
  return { namespace, name, yaml: stringify(object, { collectionStyle: 'flow', lineWidth: 0 }).trim() };
}
