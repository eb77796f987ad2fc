import { resolveHost } from '../cluster/hosts.js';
import type { PolicyObject } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { originatesTls, tlsSites, type ClientTls, type TlsSite } from '../istio/destination-rule.js';
import { inboundBypass } from '../istio/inbound-capture.js';
import { pendingChange, reviewedPolicy } from '../istio/scope.js';
import { tlsTargets, type TlsTarget } from '../istio/tls-targets.js';
import { nameList, workloadName } from './describe.js';
import { defineRule, type Finding } from './types.js';

/**
 * Without a DestinationRule, Istio's auto mTLS decides what the client sidecar sends
 * (pilot/pkg/networking/core/cluster_builder.go buildAutoMtlsSettings, pilot/pkg/xds/endpoints
 * mtls_checker.go): Istio mutual TLS to endpoints with a sidecar whose port is not DISABLE, plaintext
 * to the others and to hosts outside the mesh. Deleting an ISTIO_MUTUAL rule therefore changes
 * nothing that works; deleting a DISABLE rule breaks only ports the server's sidecar does not
 * intercept (the application receives Istio's TLS); deleting SIMPLE/MUTUAL origination takes away
 * the TLS the applications relied on the sidecar to add.
 */
export const mg305 = defineRule({
  id: 'MG305',
  kinds: ['DestinationRule'],
  severity: 'warn',
  summary:
    'DELETE of a DestinationRule whose tls traffic depends on: SIMPLE/MUTUAL origination (applications send plaintext for the sidecar to encrypt), or DISABLE to ports the server sidecar does not intercept (auto mTLS then sends Istio TLS to the application).',
  needsCluster: true,
  operations: ['DELETE'],
  check({ object, namespace }, { view }) {
    const rule = reviewedPolicy('DestinationRule', object, namespace);
    const sites = tlsSites(rule.spec).filter((site) => originatesTls(site.tls) || site.tls.mode === 'DISABLE');
    if (sites.length === 0 || typeof rule.spec.host !== 'string') return [];
    const remaining = view.withChange(pendingChange(rule, 'DELETE')).effectiveDestinationRules(resolveHost(rule.spec.host, rule.namespace), rule.namespace);
    const targets = tlsTargets(view, rule);
    return sites.flatMap((site): Finding[] => {
      if (remaining.some((other) => tlsSites(other.spec).some((s) => sameKind(s.tls, site.tls)))) return [];
      const reached = targets.filter((target) => target.path === site.path);
      const message = originatesTls(site.tls) ? originationLost(view, rule, site, reached) : plaintextLost(view, rule, site, reached);
      return message ? [{ rule: 'MG305', severity: 'warn', path: site.path, message }] : [];
    });
  },
});

/** Another rule that still originates TLS, or still sends plaintext, takes this one's place. */
function sameKind(a: ClientTls, b: ClientTls): boolean {
  return originatesTls(a) ? originatesTls(b) : a.mode === b.mode;
}

function originationLost(view: ClusterView, rule: PolicyObject<'DestinationRule'>, site: TlsSite, reached: readonly TlsTarget[]): string | undefined {
  // A sidecar port that is STRICT never accepted that TLS: the rule did not work, and deleting it breaks nothing.
  const strictOnly = reached.length > 0 && reached.every((t) => t.workload.sidecar && view.effectiveMtls(t.workload, t.containerPort).mode === 'STRICT');
  if (strictOnly) return undefined;
  return (
    `deleting this DestinationRule stops the client sidecars originating ${site.tls.mode} TLS to ${rule.spec.host}${site.where}: applications ` +
    `that send plaintext and rely on the sidecar to encrypt it then send it without that TLS (Istio's auto mTLS sends plaintext, or Istio ` +
    `mutual TLS to workloads with a sidecar), and a server that expects their TLS refuses the connection. Keep this DestinationRule until ` +
    `the callers originate TLS themselves, or create its replacement for ${rule.spec.host} first.`
  );
}

function plaintextLost(view: ClusterView, rule: PolicyObject<'DestinationRule'>, site: TlsSite, reached: readonly TlsTarget[]): string | undefined {
  const bypassed = reached.flatMap((t) => {
    const annotation = t.workload.sidecar ? inboundBypass(t.workload, t.containerPort) : undefined;
    const autoMtls = annotation !== undefined && view.effectiveMtls(t.workload, t.containerPort).mode !== 'DISABLE';
    return autoMtls ? [`${workloadName(t.workload)} (port ${t.containerPort}, ${annotation})`] : [];
  });
  if (bypassed.length === 0) return undefined;
  return (
    `deleting this DestinationRule lets Istio's auto mTLS send mutual TLS to ${rule.spec.host}${site.where}, but the sidecar does not ` +
    `intercept that port of ${nameList(bypassed)}, so the application itself receives Istio's TLS, which it cannot read, and every ` +
    `connection fails. Keep this DestinationRule (tls.mode: DISABLE) while the port bypasses the sidecar.`
  );
}
