import type { EffectiveMtls, PolicyObject } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { tlsTargets, type TlsTarget } from '../istio/tls-targets.js';
import { nameList, portModeText } from './describe.js';

/**
 * What the client sidecar sends (a DestinationRule's tls.mode) against what the server sidecar accepts
 * (the effective PeerAuthentication mode of the container port):
 * - ISTIO_MUTUAL to a port that accepts only plaintext (DISABLE), or to a pod without a sidecar: the
 *   server cannot terminate Istio's mTLS and every request fails with 503;
 * - DISABLE (plaintext) to a sidecar port that is STRICT: the server sidecar resets the connection.
 */
export type TlsConflict = 'mutual-to-plaintext' | 'plaintext-to-strict';

export interface ConflictingTarget {
  target: TlsTarget;
  conflict: TlsConflict;
  /** The server side, for messages; undefined when the workload has no sidecar. */
  mtls?: EffectiveMtls;
}

export function tlsConflict(view: ClusterView, target: TlsTarget): ConflictingTarget | undefined {
  const mode = target.tls.mode;
  if (mode === 'ISTIO_MUTUAL') {
    if (!target.workload.sidecar) return { target, conflict: 'mutual-to-plaintext' };
    const mtls = view.effectiveMtls(target.workload, target.containerPort);
    return mtls.mode === 'DISABLE' ? { target, conflict: 'mutual-to-plaintext', mtls } : undefined;
  }
  if (mode === 'DISABLE' && target.workload.sidecar) {
    const mtls = view.effectiveMtls(target.workload, target.containerPort);
    return mtls.mode === 'STRICT' ? { target, conflict: 'plaintext-to-strict', mtls } : undefined;
  }
  return undefined;
}

/** `Deployment/httpbin in full (port 8080) is DISABLE (PeerAuthentication full/default, namespace-wide)`, for up to three targets. */
export function serverSides(conflicts: readonly ConflictingTarget[]): string {
  return nameList(conflicts.map(({ target, mtls }) => portModeText(target.workload, target.containerPort, mtls)));
}

export interface ConflictingSite {
  /** Path of the tls block. */
  path: string;
  /** ` for port 9080 of subset v1`, for messages. */
  where: string;
  conflicts: ConflictingTarget[];
}

/**
 * MG301 and MG302 judge the same DestinationRule: its targets and their conflicts are computed once per
 * reviewed spec and view (each admission request decodes a new object, so entries die with it).
 */
const conflictsOf = new WeakMap<object, { view: ClusterView; conflicts: ConflictingTarget[] }>();

function allConflicts(view: ClusterView, rule: PolicyObject<'DestinationRule'>): ConflictingTarget[] {
  const cached = conflictsOf.get(rule.spec);
  if (cached?.view === view) return cached.conflicts;
  const conflicts = tlsTargets(view, rule).flatMap((target) => tlsConflict(view, target) ?? []);
  conflictsOf.set(rule.spec, { view, conflicts });
  return conflicts;
}

/** The DestinationRule's tls blocks that cause `kind` of conflict, in document order, each with the targets it breaks. */
export function conflictingSites(view: ClusterView, rule: PolicyObject<'DestinationRule'>, kind: TlsConflict): ConflictingSite[] {
  const sites = new Map<string, ConflictingSite>();
  for (const conflict of allConflicts(view, rule)) {
    const target = conflict.target;
    if (conflict.conflict !== kind) continue;
    const site = sites.get(target.path) ?? { path: target.path, where: target.where, conflicts: [] };
    site.conflicts.push(conflict);
    sites.set(target.path, site);
  }
  return [...sites.values()];
}
