import type { PodObject } from './kube-shapes.js';

/**
 * The workloads (`Kind/name`) a running pod may have been made from, by its controller owner
 * reference: its StatefulSet, DaemonSet, Job or ReplicaSet; the Deployment of a ReplicaSet the
 * Deployment controller named `<deployment>-<pod-template-hash>` (the pod carries that label); the
 * CronJob of a Job the CronJob controller named `<cronjob>-<scheduled minute>`. Empty for a bare pod.
 * Names only: the owners themselves are not read.
 */
export function podOwners(pod: PodObject): string[] {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller);
  if (!owner) return [];
  const owners = [`${owner.kind}/${owner.name}`];
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) owners.push(`Deployment/${owner.name.slice(0, -hash.length - 1)}`);
  const scheduled = /^(.+)-\d+$/.exec(owner.name);
  if (owner.kind === 'Job' && scheduled) owners.push(`CronJob/${scheduled[1]}`);
  return owners;
}
