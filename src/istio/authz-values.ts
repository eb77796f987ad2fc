import type { AuthorizationPolicySpec } from './kinds.js';
import type { AuthorizationOperation, AuthorizationSource } from './authz.js';

/** One string an AuthorizationPolicy matches against, with where it sits and whether it is a `not` form. */
export interface ValueSite {
  /** `spec.rules[0].to[0].operation.methods[1]` or `spec.rules[0].when[0].notValues[0]`. */
  path: string;
  value: string;
  /** From `notMethods`, `notPrincipals`, `when[].notValues`...: the condition matches what the value does not. */
  negated: boolean;
}

export interface ValueFields {
  /** A `to[].operation` list and its `not` form, e.g. ['methods', 'notMethods']. */
  operation?: readonly [keyof AuthorizationOperation, keyof AuthorizationOperation];
  /** A `from[].source` list and its `not` form, e.g. ['principals', 'notPrincipals']. */
  source?: readonly [keyof AuthorizationSource, keyof AuthorizationSource];
  /** A `when` key whose values hold the same kind of string, e.g. 'source.principal'. */
  whenKey?: string;
}

/** Every value of the given fields in every rule, in document order. */
export function valueSites(spec: AuthorizationPolicySpec | undefined, fields: ValueFields): ValueSite[] {
  const sites: ValueSite[] = [];
  const add = (base: string, list: readonly string[] | undefined, negated: boolean) =>
    list?.forEach((value, i) => sites.push({ path: `${base}[${i}]`, value, negated }));

  (spec?.rules ?? []).forEach((rule, r) => {
    const rulePath = `spec.rules[${r}]`;
    if (fields.source) {
      const [positive, negative] = fields.source;
      rule.from?.forEach((from, f) => {
        const base = `${rulePath}.from[${f}].source`;
        add(`${base}.${positive}`, from.source?.[positive], false);
        add(`${base}.${negative}`, from.source?.[negative], true);
      });
    }
    if (fields.operation) {
      const [positive, negative] = fields.operation;
      rule.to?.forEach((to, t) => {
        const base = `${rulePath}.to[${t}].operation`;
        add(`${base}.${positive}`, to.operation?.[positive], false);
        add(`${base}.${negative}`, to.operation?.[negative], true);
      });
    }
    if (fields.whenKey) {
      rule.when?.forEach((condition, w) => {
        if (condition.key !== fields.whenKey) return;
        add(`${rulePath}.when[${w}].values`, condition.values, false);
        add(`${rulePath}.when[${w}].notValues`, condition.notValues, true);
      });
    }
  });
  return sites;
}
