/**
 * Host names as Istio resolves them (pkg/config/model.go ResolveShortnameToFQDN, pkg/config/host).
 * meshguard assumes the cluster domain `cluster.local`, Istio's default (`--domain` / meshConfig).
 */
export const CLUSTER_DOMAIN = 'cluster.local';
const SERVICE_SUFFIX = `.svc.${CLUSTER_DOMAIN}`;

export function serviceFqdn(namespace: string, name: string): string {
  return `${name}.${namespace}${SERVICE_SUFFIX}`;
}

/**
 * Istio's resolution of a host written in an object of `namespace`: a name without a dot is short
 * for `name.<namespace>.svc.cluster.local`; anything with a dot (`reviews.prod` included) is taken as
 * written, so `reviews.prod` names no Kubernetes Service; `*` stays `*`; IP addresses stay as they are.
 */
export function resolveHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.') || host.includes(':')) return host;
  return serviceFqdn(namespace, host);
}

/** The Service a FQDN `name.ns.svc.cluster.local` names, if it has that form. */
export function parseServiceFqdn(fqdn: string): { namespace: string; name: string } | undefined {
  if (!fqdn.endsWith(SERVICE_SUFFIX)) return undefined;
  const parts = fqdn.slice(0, -SERVICE_SUFFIX.length).split('.');
  return parts.length === 2 && parts[0] && parts[1] ? { name: parts[0], namespace: parts[1] } : undefined;
}

/** Istio's wildcard match: `*` matches every host, `*.example.com` every host ending in `.example.com`. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/**
 * The patterns that can match `host`, most specific first: the host itself, then `*.` + each shorter
 * suffix, then `*`. Indexes keyed by pattern answer a host lookup in O(labels), not O(objects).
 */
export function patternsMatching(host: string): string[] {
  const patterns = [host];
  let dot = host.indexOf('.');
  while (dot >= 0) {
    patterns.push(`*${host.slice(dot)}`);
    dot = host.indexOf('.', dot + 1);
  }
  if (host !== '*') patterns.push('*');
  return patterns;
}

/**
 * Whether an object with `exportTo` in `ownNamespace` is visible from `fromNamespace`: `*` everywhere,
 * `.` its own namespace, `~` nowhere, or namespace names. Omitted or empty exports everywhere (Istio's
 * default `defaultDestinationRuleExportTo`, assumed unset).
 */
export function exportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, fromNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((entry) => entry === '*' || entry === fromNamespace || (entry === '.' && fromNamespace === ownNamespace));
}
