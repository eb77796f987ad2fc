import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { handleReview, type WebhookDeps } from '../../src/admission/webhook.js';
import { buildManifestView } from '../../src/cluster/manifest-view.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { createLogger } from '../../src/server/logger.js';
import { Metrics } from '../../src/server/metrics.js';
import { validateSettings } from '../../src/settings.js';
import { reviewWithObject } from '../helpers/fixtures.js';
import { istioRenders } from '../mutation/scenarios.js';
import { applyPatch, decodePatch, wellFormedProblems } from './invariants.js';
import { propertyRunOptions } from './run-options.js';
import { ISTIO_MOUNT_PATHS, ISTIO_VOLUME_NAMES, tlsVolumeCases, USER_VOLUME, USER_VOLUME_MOUNT, type GeneratedCase } from './tls-volume-objects.js';

/**
 * MG501 on Pods that do get TLS volumes: generated Sidecars and DestinationRules with the
 * `meshguard.io/*` mapping annotations, pods with their own userVolume/userVolumeMount entries in
 * map and list form or garbage, through the whole /mutate path.
 */
const runOptions = propertyRunOptions(300);
const registry = defaultRegistry();
const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
const metrics = new Metrics({ processMetrics: false });
const logger = createLogger('silent');

function mutate(pod: KubeObject, deps: WebhookDeps): AdmissionReview {
  const review = reviewWithObject('pod-create-mutating-first-call', pod);
  const answer = handleReview('mutate', review, deps);
  const problems = wellFormedProblems(answer, review.request!.uid);
  if (problems.length > 0) throw new Error(`ill-formed answer: ${problems.join('; ')}`);
  if (answer.response?.allowed !== true) throw new Error(`the pod was refused: ${JSON.stringify(answer.response)}`);
  return answer;
}

/** Checks one case; throws with the reason when the patch misbehaves. Returns whether there was a patch. */
function checkPatch({ pod, cluster }: GeneratedCase): boolean {
  const deps: WebhookDeps = { registry, settings: () => settings, view: buildManifestView(cluster), metrics, logger };
  const ops = decodePatch(mutate(pod, deps).response?.patch);
  if (!ops) throw new Error('the patch is not base64 JSON Patch');
  if (ops.length === 0) return false;

  const patched = applyPatch(pod, ops);
  const again = decodePatch(mutate(patched, deps).response?.patch);
  if (again?.length !== 0) throw new Error(`not idempotent: the patched pod was patched again with ${JSON.stringify(again)}`);
  if (!isDeepStrictEqual(withoutUserVolumes(patched), withoutUserVolumes(pod))) throw new Error('the patch changed more than the two sidecar annotations');

  const before = istioRenders(pod.metadata?.annotations);
  const after = istioRenders(patched.metadata?.annotations);
  const added = { volumes: addedEntries(before.volumes, after.volumes, USER_VOLUME), mounts: addedEntries(before.mounts, after.mounts, USER_VOLUME_MOUNT) };
  for (const { name } of added.volumes) {
    if (!name.startsWith('meshguard-') || ISTIO_VOLUME_NAMES.includes(name)) throw new Error(`meshguard added the volume name ${name}`);
  }
  // Every added volume is mounted; every added mount has its volume (added now, or the user's identical one).
  const unpaired = [
    ...added.volumes.filter((v) => !added.mounts.some((m) => m.name === v.name)),
    ...added.mounts.filter((m) => !after.volumes.some((v) => (v as { name?: string }).name === m.name)),
  ];
  if (unpaired.length > 0) throw new Error(`added entries without their volume or mount: ${JSON.stringify(unpaired)}`);
  for (const { mountPath } of added.mounts) {
    const clash = ISTIO_MOUNT_PATHS.find((path) => mountPath === path || mountPath.startsWith(`${path}/`) || path.startsWith(`${mountPath}/`));
    if (clash) throw new Error(`meshguard mounted ${mountPath} over Istio's ${clash}`);
  }
  return true;
}

/**
 * The entries of `after` that `before` did not have, once every entry of `before` (the user's, Istio's
 * names among them) is found in `after` unchanged, as Istio's injection template renders them.
 */
function addedEntries(before: object[], after: object[], annotation: string): Array<{ name: string; mountPath: string }> {
  const kept = new Set<object>();
  for (const entry of before) {
    const same = after.find((candidate) => !kept.has(candidate) && isDeepStrictEqual(candidate, entry));
    if (!same) throw new Error(`${annotation} entry ${JSON.stringify(entry)} was not kept: ${JSON.stringify(after)}`);
    kept.add(same);
  }
  return after.filter((entry) => !kept.has(entry)) as Array<{ name: string; mountPath: string }>;
}

function withoutUserVolumes(pod: KubeObject): KubeObject {
  const annotations = { ...pod.metadata?.annotations };
  delete annotations[USER_VOLUME];
  delete annotations[USER_VOLUME_MOUNT];
  return { ...pod, metadata: { ...pod.metadata, annotations } };
}

t.test('MG501 patches of pods that get TLS volumes apply, keep every user and Istio entry, add only meshguard- volumes, and are idempotent', async (t) => {
  let patchedRuns = 0;
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(tlsVolumeCases, (generated) => {
        if (checkPatch(generated)) patchedRuns++;
      }),
      runOptions,
    ),
  );
  // Counted over every run fast-check made, so a regression that stops the patching shows here.
  t.ok(patchedRuns >= runOptions.numRuns * 0.4, `${patchedRuns} of ${runOptions.numRuns} generated pods got a non-empty patch (at least 40% expected)`);
});
