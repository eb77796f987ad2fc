import type { Finding } from './rules/types.js';
import type { Settings } from './settings.js';

export interface Decision {
  allowed: boolean;
  /** Findings that reject the object (empty when allowed). */
  denials: Finding[];
  /** Findings reported as warnings. */
  warnings: Finding[];
  /** Findings dropped by an `off` override or an exemption, for logging. */
  suppressed: Finding[];
}

export interface DecisionTarget {
  namespace: string;
  name: string;
}

/** Applies the operator's settings to the rules' findings: per-rule mode, exemptions, global mode. */
export function decide(findings: readonly Finding[], settings: Settings, target: DecisionTarget): Decision {
  const decision: Decision = { allowed: true, denials: [], warnings: [], suppressed: [] };
  for (const finding of findings) {
    const mode = settings.rules[finding.rule] ?? 'enforce';
    if (!ruleEnabled(finding.rule, settings, target)) {
      decision.suppressed.push(finding);
    } else if (finding.severity === 'deny' && mode === 'enforce' && settings.mode === 'enforce') {
      decision.denials.push(finding);
    } else {
      decision.warnings.push(finding);
    }
  }
  decision.allowed = decision.denials.length === 0;
  return decision;
}

/** False when the operator switched the rule off or exempted the object from it. */
export function ruleEnabled(rule: string, settings: Settings, target: DecisionTarget): boolean {
  return settings.rules[rule] !== 'off' && !isExempt(rule, target, settings);
}

function isExempt(rule: string, target: DecisionTarget, settings: Settings): boolean {
  return settings.exemptions.some(
    (e) => e.rule === rule && e.namespace === target.namespace && (e.name === undefined || e.name === target.name),
  );
}

/** `[MG101] spec.rules[0].to[0].operation.methods: DENY rule uses only HTTP attributes, ...` */
export function formatFinding(finding: Finding): string {
  return `[${finding.rule}] ${finding.path}: ${finding.message}`;
}
