import t from 'tap';
import type { PodObject } from '../../src/cluster/kube-shapes.js';
import { podOwners } from '../../src/cluster/pod-owner.js';

const pod = (owner?: { kind: string; name: string; controller?: boolean }, labels: Record<string, string> = {}): PodObject => ({
  metadata: { name: 'p', namespace: 'shop', labels, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { containers: [] },
});

t.test('podOwners names the Deployment behind a ReplicaSet named <deployment>-<pod-template-hash>', async (t) => {
  t.same(podOwners(pod({ kind: 'ReplicaSet', name: 'cart-v2-5f7c9', controller: true }, { 'pod-template-hash': '5f7c9' })), ['ReplicaSet/cart-v2-5f7c9', 'Deployment/cart-v2']);
  t.same(podOwners(pod({ kind: 'ReplicaSet', name: 'cart-5f7c9', controller: true })), ['ReplicaSet/cart-5f7c9'], 'no pod-template-hash: a ReplicaSet of its own');
  t.same(podOwners(pod({ kind: 'ReplicaSet', name: 'cart-5f7c9', controller: true }, { 'pod-template-hash': 'abcde' })), ['ReplicaSet/cart-5f7c9'], 'the hash is not the suffix');
});

t.test('podOwners names StatefulSets, DaemonSets and Jobs directly, and the CronJob behind a Job named <cronjob>-<minute>', async (t) => {
  t.same(podOwners(pod({ kind: 'StatefulSet', name: 'db', controller: true })), ['StatefulSet/db']);
  t.same(podOwners(pod({ kind: 'DaemonSet', name: 'agent', controller: true })), ['DaemonSet/agent']);
  t.same(podOwners(pod({ kind: 'Job', name: 'migrate', controller: true })), ['Job/migrate']);
  t.same(podOwners(pod({ kind: 'Job', name: 'report-29123456', controller: true })), ['Job/report-29123456', 'CronJob/report']);
});

t.test('podOwners gives nothing for a bare pod or one whose owner is not its controller', async (t) => {
  t.same(podOwners(pod()), []);
  t.same(podOwners(pod({ kind: 'StatefulSet', name: 'db' })), []);
});
