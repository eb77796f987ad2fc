import type { KubeObject } from '../../src/k8s/types.js';

/**
 * Kubernetes RBAC, just enough to hold recorded API requests against a rendered chart: what the
 * authorizer reads from a request, which rules the chart binds to a ServiceAccount, and which of
 * them a request uses.
 */

/** A request as the authorizer sees it. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  /** `secrets`, or `pods/status` for a subresource. */
  resource: string;
  /** Undefined for cluster-scoped objects and for requests across all namespaces. */
  namespace?: string;
  name?: string;
}

/** One PolicyRule of a Role or ClusterRole, as bound: `namespace` undefined means every namespace and the cluster scope. */
export interface Grant {
  role: string;
  namespace?: string;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const METHOD_VERBS: Readonly<Record<string, string>> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** Paths under /namespaces/<ns>/ that are subresources of the Namespace itself. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * `GET /api/v1/pods?watch=true` ▶ watch pods. Follows the API server's request parsing
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): a GET without a name is a list, or a
 * watch with `watch=true`; a DELETE without a name is a deletecollection.
 */
export function requestAttributes(request: string): RequestAttributes {
  const [method = '', target = ''] = request.split(' ');
  const url = new URL(target, 'http://api');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [prefix, ...rest] = segments;
  const apiGroup = prefix === 'apis' ? (rest.shift() ?? '') : '';
  rest.shift(); // the version
  let parts = rest;
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const [resource = '', name, subresource] = parts;
  let verb = METHOD_VERBS[method] ?? '';
  if (name === undefined && verb === 'get') verb = ['true', '1'].includes(url.searchParams.get('watch') ?? '') ? 'watch' : 'list';
  if (name === undefined && verb === 'delete') verb = 'deletecollection';
  return { verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

interface Binding {
  metadata?: { namespace?: string };
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

/** Every rule that the chart's RoleBindings and ClusterRoleBindings give the ServiceAccount. */
export function grantsTo(objects: readonly KubeObject[], account: { namespace: string; name: string }): Grant[] {
  const roles = new Map(objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').map((o) => [`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o]));
  const grants: Grant[] = [];
  for (const object of objects) {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
    const binding = object as unknown as Binding;
    if (!binding.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace)) continue;
    const namespace = object.kind === 'RoleBinding' ? binding.metadata?.namespace : undefined;
    const roleKey = `${binding.roleRef.kind}/${binding.roleRef.kind === 'Role' ? (namespace ?? '') : ''}/${binding.roleRef.name}`;
    const role = roles.get(roleKey);
    if (!role) throw new Error(`${object.kind} ${object.metadata?.name} refers to ${roleKey}, which the chart does not render`);
    const label = `${binding.roleRef.kind} ${namespace ? `${namespace}/` : ''}${binding.roleRef.name}`;
    for (const rule of (role as unknown as { rules?: Array<Omit<Grant, 'role' | 'namespace'>> }).rules ?? []) {
      grants.push({ role: label, ...(namespace ? { namespace } : {}), ...rule });
    }
  }
  return grants;
}

/** Whether the rule lets the request through (rbac/v1 RuleAllows, plus the binding's namespace). */
export function allows(grant: Grant, request: RequestAttributes): boolean {
  const has = (list: readonly string[] | undefined, value: string) => list !== undefined && (list.includes(value) || list.includes('*'));
  if (grant.namespace !== undefined && request.namespace !== grant.namespace) return false;
  if (!has(grant.verbs, request.verb) || !has(grant.apiGroups, request.apiGroup) || !has(grant.resources, request.resource)) return false;
  return !grant.resourceNames?.length || (request.name !== undefined && grant.resourceNames.includes(request.name));
}

export interface LeastPrivilegeReport {
  /** Requests no bound rule allows (each kind once): the code would get a 403. */
  forbidden: string[];
  /** Single permissions (verb, resource, name) a rule grants and no request used. */
  unused: string[];
  /** Permissions wider than every request that used them: no resourceNames though every request named one object, cluster-wide though every request was in one namespace. */
  broader: string[];
}

/** The requests compared both ways with the rules: every request allowed, every permission used, none wider than its use. */
export function compareWithRequests(grants: readonly Grant[], requests: readonly RequestAttributes[]): LeastPrivilegeReport {
  const forbidden = new Set(requests.filter((request) => !grants.some((grant) => allows(grant, request))).map(describeRequest));
  const report: LeastPrivilegeReport = { forbidden: [...forbidden], unused: [], broader: [] };
  for (const permission of grants.flatMap(singlePermissions)) {
    const users = requests.filter((request) => allows(permission, request));
    const label = describePermission(permission);
    if (users.length === 0) {
      report.unused.push(label);
      continue;
    }
    const names = new Set(users.map((r) => r.name));
    if (!permission.resourceNames && !names.has(undefined)) report.broader.push(`${label}: every request named one object (${[...names].join(', ')}); limit it with resourceNames`);
    const namespaces = new Set(users.map((r) => r.namespace));
    if (permission.namespace === undefined && !namespaces.has(undefined)) report.broader.push(`${label}: every request was in ${[...namespaces].join(', ')}; grant it with a Role there`);
  }
  return report;
}

/** A rule split into one grant per verb, group, resource and name, so each can be checked for use. */
function singlePermissions(grant: Grant): Grant[] {
  return grant.verbs.flatMap((verb) =>
    grant.apiGroups.flatMap((apiGroup) =>
      grant.resources.flatMap((resource) =>
        (grant.resourceNames?.length ? grant.resourceNames.map((name) => [name]) : [undefined]).map((resourceNames) => ({
          role: grant.role,
          ...(grant.namespace ? { namespace: grant.namespace } : {}),
          verbs: [verb],
          apiGroups: [apiGroup],
          resources: [resource],
          ...(resourceNames ? { resourceNames } : {}),
        })),
      ),
    ),
  );
}

const groupOf = (apiGroup: string) => apiGroup || 'core';

function describeRequest(request: RequestAttributes): string {
  const where = request.namespace ? ` in ${request.namespace}` : '';
  return `${request.verb} ${groupOf(request.apiGroup)}/${request.resource}${request.name ? ` "${request.name}"` : ''}${where}`;
}

function describePermission(permission: Grant): string {
  const name = permission.resourceNames ? ` "${permission.resourceNames[0]}"` : '';
  return `${permission.role}: ${permission.verbs[0]} ${groupOf(permission.apiGroups[0]!)}/${permission.resources[0]}${name}`;
}
