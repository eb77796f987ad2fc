import { ipOrCidrProblem, portStringProblem, quote } from './addresses.js';
import type { AuthorizationRule } from './authz.js';
import { conditionKeyProblem, conditionValueProblem, serviceAccountProblem } from './conditions.js';
import type { AuthorizationPolicySpec } from './kinds.js';
import { pathTemplateProblem } from './path-template.js';
import { selectorProblems } from './selector.js';
import type { StructureProblem } from './structure.js';

/**
 * What istiod's ValidateAuthorizationPolicy (pkg/config/validation) rejects in an AuthorizationPolicy
 * that the CRD schema lets through, one problem per entry.
 */
export function authorizationPolicyProblems(spec: AuthorizationPolicySpec | undefined): StructureProblem[] {
  if (!spec) return [];
  return [...targetProblems(spec), ...actionProblems(spec), ...(spec.rules ?? []).flatMap((rule, i) => ruleProblems(rule, `spec.rules[${i}]`, spec))];
}

/** targetRef kinds istiod accepts (group "" is core). */
const TARGET_KINDS = ['/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass'];

function targetProblems(spec: AuthorizationPolicySpec): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const ways = [spec.selector && 'selector', spec.targetRef && 'targetRef', (spec.targetRefs ?? []).length > 0 && 'targetRefs'].filter(Boolean);
  if (ways.length > 1) {
    problems.push({
      path: `spec.${String(ways[1])}`,
      problem: `${ways.join(' and ')} are both set, and a policy chooses its workloads one way only`,
      fix: 'Keep selector for sidecar workloads, or targetRefs for a Gateway, Service or ServiceEntry.',
    });
  }
  problems.push(...selectorProblems(spec.selector?.matchLabels, 'spec.selector.matchLabels'));
  const refs = [...(spec.targetRef ? [{ ref: spec.targetRef, path: 'spec.targetRef' }] : []), ...(spec.targetRefs ?? []).map((ref, i) => ({ ref, path: `spec.targetRefs[${i}]` }))];
  for (const { ref, path } of refs) {
    if (ref.namespace) {
      problems.push({ path: `${path}.namespace`, problem: 'targetRef names another namespace, and Istio does not support cross-namespace targets', fix: 'Remove namespace and create the policy in the namespace of the target.' });
    }
    if (!TARGET_KINDS.includes(`${ref.group ?? ''}/${ref.kind}`)) {
      problems.push({
        path: `${path}.kind`,
        problem: `targetRef ${quote(`${ref.group ?? ''}/${ref.kind}`)} is not a kind Istio can attach a policy to`,
        fix: 'Target a Service (group ""), a ServiceEntry (networking.istio.io), or a Gateway or GatewayClass (gateway.networking.k8s.io).',
      });
    }
  }
  return problems;
}

function actionProblems(spec: AuthorizationPolicySpec): StructureProblem[] {
  const action = spec.action ?? 'ALLOW';
  const problems: StructureProblem[] = [];
  if ((action === 'DENY' || action === 'CUSTOM') && (spec.rules ?? []).length === 0) {
    problems.push({
      path: 'spec.rules',
      problem: `a ${action} policy without rules is never triggered`,
      fix: 'Add rules: [{}] to apply it to every request in scope, or rules that say which requests it covers.',
    });
  } else if (action === 'CUSTOM' && !spec.provider?.name) {
    problems.push({ path: 'spec.provider.name', problem: 'a CUSTOM policy needs the name of its extension provider', fix: 'Set provider.name to an extensionProviders entry of the mesh config.' });
  }
  if (action !== 'CUSTOM' && spec.provider) {
    problems.push({ path: 'spec.provider', problem: `provider is set on a ${action} policy, and only CUSTOM policies use one`, fix: 'Remove provider, or set action: CUSTOM.' });
  }
  return problems;
}

const IDENTITY_FIELDS = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'] as const;
const IP_FIELDS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;

function ruleProblems(rule: AuthorizationRule, base: string, spec: AuthorizationPolicySpec): StructureProblem[] {
  const custom = spec.action === 'CUSTOM';
  const problems: StructureProblem[] = [];
  for (const clause of ['from', 'to'] as const) {
    if (rule[clause] !== undefined && rule[clause].length === 0) {
      problems.push({ path: `${base}.${clause}`, problem: `${clause} is an empty list`, fix: `Remove ${clause}, or list at least one ${clause === 'from' ? 'source' : 'operation'}.` });
    }
  }
  rule.from?.forEach((from, i) => problems.push(...sourceProblems(from.source, `${base}.from[${i}]`, custom)));
  rule.to?.forEach((to, i) => problems.push(...operationProblems(to.operation, `${base}.to[${i}]`)));
  rule.when?.forEach((condition, i) => problems.push(...conditionProblems(condition, `${base}.when[${i}]`, custom)));
  return problems;
}

type Source = NonNullable<NonNullable<AuthorizationRule['from']>[number]['source']>;
type Operation = NonNullable<NonNullable<AuthorizationRule['to']>[number]['operation']>;

function sourceProblems(source: Source | undefined, base: string, custom: boolean): StructureProblem[] {
  if (!source) return [{ path: base, problem: 'from entry has no source', fix: 'Put the conditions under source: {...}, or remove the entry.' }];
  const path = `${base}.source`;
  const used = Object.entries(source).filter(([, v]) => Array.isArray(v) && v.length > 0).map(([k]) => k);
  if (used.length === 0) return [{ path, problem: 'source has no conditions', fix: 'List the sources (principals, namespaces, ipBlocks...), or remove the from entry to match every source.' }];
  const problems: StructureProblem[] = [];
  const accounts = used.filter((f) => f === 'serviceAccounts' || f === 'notServiceAccounts');
  const identities = used.filter((f) => ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].includes(f));
  if (accounts.length > 0 && identities.length > 0) {
    problems.push({ path: `${path}.${accounts[0]}`, problem: `${accounts[0]} cannot be combined with ${identities.join(', ')}`, fix: 'Use serviceAccounts alone (namespace/name), or principals and namespaces without it, in separate from entries.' });
  }
  if (custom) {
    for (const field of used.filter((f) => (IDENTITY_FIELDS as readonly string[]).includes(f))) {
      problems.push({ path: `${path}.${field}`, problem: `${field} is not supported with action CUSTOM`, fix: 'Match the request on ipBlocks, operations or headers, and let the external authorizer check the identity.' });
    }
  }
  for (const [field, values] of Object.entries(source) as Array<[string, string[] | undefined]>) {
    const check = (IP_FIELDS as readonly string[]).includes(field) ? ipOrCidrProblem : field.endsWith('erviceAccounts') ? serviceAccountProblem : emptyValue;
    values?.forEach((value, i) => {
      const problem = check(value);
      if (problem) problems.push({ path: `${path}.${field}[${i}]`, problem: `${field} has ${problemText(problem)}`, fix: 'Correct or remove the value.' });
    });
  }
  return problems;
}

function operationProblems(operation: Operation | undefined, base: string): StructureProblem[] {
  if (!operation) return [{ path: base, problem: 'to entry has no operation', fix: 'Put the conditions under operation: {...}, or remove the entry.' }];
  const path = `${base}.operation`;
  const entries = Object.entries(operation) as Array<[string, string[] | undefined]>;
  if (!entries.some(([, v]) => (v ?? []).length > 0)) {
    return [{ path, problem: 'operation has no conditions', fix: 'List the ports, methods, paths or hosts, or remove the to entry to match every operation.' }];
  }
  const problems: StructureProblem[] = [];
  for (const [field, values] of entries) {
    const check = field === 'ports' || field === 'notPorts' ? portStringProblem : field === 'paths' || field === 'notPaths' ? pathValueProblem : emptyValue;
    values?.forEach((value, i) => {
      const problem = check(value);
      if (!problem) return;
      const fix = field.endsWith('orts') ? 'List single ports, one entry each (e.g. ["8080", "8443"]).' : 'Correct or remove the value.';
      problems.push({ path: `${path}.${field}[${i}]`, problem: `${field} has ${problemText(problem)}`, fix });
    });
  }
  return problems;
}

type Condition = NonNullable<AuthorizationRule['when']>[number];

function conditionProblems(condition: Condition, path: string, custom: boolean): StructureProblem[] {
  const keyProblem = conditionKeyProblem(condition.key);
  if (keyProblem) return [{ path: `${path}.key`, ...keyProblem }];
  if ((condition.values ?? []).length === 0 && (condition.notValues ?? []).length === 0) {
    return [{ path, problem: `condition ${condition.key} has neither values nor notValues`, fix: 'Add the values to match, or remove the condition.' }];
  }
  if (custom && (['source.namespace', 'source.serviceAccount', 'source.principal'].includes(condition.key) || condition.key.startsWith('request.auth.'))) {
    return [{ path: `${path}.key`, problem: `condition ${condition.key} is not supported with action CUSTOM`, fix: 'Let the external authorizer check the identity.' }];
  }
  const problems: StructureProblem[] = [];
  for (const field of ['values', 'notValues'] as const) {
    condition[field]?.forEach((value, i) => {
      const problem = conditionValueProblem(condition.key, value);
      if (problem) problems.push({ path: `${path}.${field}[${i}]`, problem: `${condition.key} has ${problemText(problem)}`, fix: 'Correct or remove the value.' });
    });
  }
  return problems;
}

function pathValueProblem(value: string): string | undefined {
  if (value === '') return 'an empty value';
  const problem = pathTemplateProblem(value);
  return problem && `path ${quote(value)}, whose template is invalid: ${problem}`;
}

function emptyValue(value: string): string | undefined {
  return value === '' ? 'an empty value' : undefined;
}

/** Problem texts read "has <text>": keep "an empty value" as is, quote the others as the value's fault. */
function problemText(problem: string): string {
  return problem === 'an empty value' || problem.startsWith('path ') ? problem : `a bad value: ${problem}`;
}
