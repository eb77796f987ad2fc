import type { AuthorizationRule } from './authz.js';

/**
 * The workload ports an AuthorizationPolicy rule is limited to: the union of `to[].operation.ports`
 * when every `to` clause lists ports, otherwise undefined (the rule applies to every port). Values
 * that are not port numbers are left out (MG100 reports them).
 */
export function rulePorts(rule: AuthorizationRule): number[] | undefined {
  const clauses = rule.to ?? [];
  if (clauses.length === 0 || clauses.some((clause) => (clause.operation?.ports?.length ?? 0) === 0)) return undefined;
  const ports = new Set<number>();
  for (const clause of clauses) for (const value of clause.operation?.ports ?? []) if (/^\d+$/.test(value)) ports.add(Number(value));
  return [...ports];
}
