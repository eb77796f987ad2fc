import type { RuleKind } from '../istio/kinds.js';
import type { Rule } from './types.js';

/** Rules indexed by kind. Registration rejects a duplicate id, so two files cannot claim one rule. */
export class RuleRegistry {
  private readonly byId = new Map<string, Rule>();
  private readonly byKind = new Map<RuleKind, Rule[]>();

  constructor(rules: readonly Rule[] = []) {
    for (const rule of rules) this.register(rule);
  }

  register(rule: Rule): void {
    if (!/^MG\d{3}$/.test(rule.id)) throw new Error(`rule id ${rule.id} is not of the form MGnnn`);
    if (this.byId.has(rule.id)) throw new Error(`rule ${rule.id} is registered twice`);
    this.byId.set(rule.id, rule);
    for (const kind of rule.kinds) {
      const list = this.byKind.get(kind) ?? [];
      list.push(rule);
      this.byKind.set(kind, list);
    }
  }

  rulesFor(kind: RuleKind): readonly Rule[] {
    return this.byKind.get(kind) ?? [];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every rule, ordered by id (the README table and SARIF rule metadata use this order). */
  all(): Rule[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}
