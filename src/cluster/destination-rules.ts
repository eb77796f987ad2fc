import { exportedTo, hostMatches, parseServiceFqdn, resolveHost } from './hosts.js';
import type { PolicyObject } from './model.js';
import { comparePolicies, policySelector } from './policy-order.js';

type DestinationRule = PolicyObject<'DestinationRule'>;

/** The DestinationRule's host as Istio resolves it (a short name is relative to the rule's namespace). */
export function destinationRuleHost(rule: DestinationRule): string {
  return resolveHost(typeof rule.spec.host === 'string' ? rule.spec.host : '', rule.namespace);
}

/** Whether `rule` is visible from `fromNamespace` and its host matches the FQDN `host`. */
export function destinationRuleReaches(rule: DestinationRule, host: string, fromNamespace: string): boolean {
  return hostMatches(destinationRuleHost(rule), host) && exportedTo(rule.spec.exportTo, rule.namespace, fromNamespace);
}

/**
 * Istio's lookup order (pilot/pkg/model/push_context.go destinationRule): rules in the caller's
 * namespace, then in the host's namespace, then in the root namespace; rules elsewhere are never
 * consulted for this caller. Within a namespace the most specific host wins (exact, then the longest
 * wildcard); rules for the same host are merged oldest first.
 */
export function orderDestinationRules(rules: DestinationRule[], host: string, fromNamespace: string, rootNamespace: string): DestinationRule[] {
  const hostNamespace = parseServiceFqdn(host)?.namespace;
  const rank = (rule: DestinationRule) =>
    rule.namespace === fromNamespace ? 0 : rule.namespace === hostNamespace ? 1 : rule.namespace === rootNamespace ? 2 : 3;
  return rules.sort((a, b) => rank(a) - rank(b) || specificity(b, host) - specificity(a, host) || comparePolicies(a, b));
}

/**
 * From rules in `orderDestinationRules` order, the ones Istio applies to a sidecar in the caller's
 * namespace that no workload-scoped rule selects: the first consulted namespace with a match, its
 * most specific host, every rule for that host (Istio merges them, the oldest first).
 */
export function effectiveDestinationRules(ordered: readonly DestinationRule[], host: string, fromNamespace: string, rootNamespace: string): DestinationRule[] {
  const hostNamespace = parseServiceFqdn(host)?.namespace;
  const consulted = ordered.filter(
    (rule) => policySelector(rule) === undefined && [fromNamespace, hostNamespace, rootNamespace].includes(rule.namespace),
  );
  const first = consulted[0];
  if (!first) return [];
  const winningHost = destinationRuleHost(first);
  return consulted.filter((rule) => rule.namespace === first.namespace && destinationRuleHost(rule) === winningHost);
}

function specificity(rule: DestinationRule, host: string): number {
  const pattern = destinationRuleHost(rule);
  return pattern === host ? Number.MAX_SAFE_INTEGER : pattern.length;
}
