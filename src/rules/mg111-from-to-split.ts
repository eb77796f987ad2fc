import { actionOf, type AuthorizationRule } from '../istio/authz.js';
import { defineRule, type Finding } from './types.js';

const onlyFrom = (rule: AuthorizationRule) => (rule.from ?? []).length > 0 && (rule.to ?? []).length === 0 && (rule.when ?? []).length === 0;
const onlyTo = (rule: AuthorizationRule) => (rule.to ?? []).length > 0 && (rule.from ?? []).length === 0 && (rule.when ?? []).length === 0;

export const mg111 = defineRule({
  id: 'MG111',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'ALLOW with a rule of only from and another of only to: rules are ORed, so each allows more than the pair meant.',
  needsCluster: false,
  check({ object }) {
    const spec = object.spec;
    if (actionOf(spec) !== 'ALLOW') return [];
    const rules = spec?.rules ?? [];
    const fromRules = rules.flatMap((rule, i) => (onlyFrom(rule) ? [i] : []));
    if (fromRules.length === 0) return [];
    const findings: Finding[] = [];
    rules.forEach((rule, i) => {
      if (!onlyTo(rule)) return;
      const sources = fromRules.map((j) => `rules[${j}]`).join(', ');
      findings.push({
        rule: 'MG111',
        severity: 'warn',
        path: `spec.rules[${i}]`,
        message:
          `ALLOW rules are ORed: ${sources} (only from) lets those sources call every path, method and port, and rules[${i}] (only to) ` +
          `lets every source call these operations. To allow only those sources to call these operations, put from and to in the same rule.`,
      });
    });
    return findings;
  },
});
