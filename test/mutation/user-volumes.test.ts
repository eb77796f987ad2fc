import fc from 'fast-check';
import t from 'tap';
import { mergeVolumes } from '../../src/mutation/merge.js';
import type { PlannedVolume } from '../../src/mutation/plan.js';
import { MalformedAnnotation, readUserEntries } from '../../src/mutation/user-volumes.js';

const VOLUME = 'sidecar.istio.io/userVolume';
const MOUNT = 'sidecar.istio.io/userVolumeMount';
const planned: PlannedVolume[] = [
  { name: 'meshguard-etc-certs', mountPath: '/etc/certs', volume: { secret: { secretName: 'certs' } }, origins: ['Sidecar demo/x'] },
];

t.test('userVolume is read by map key and by list entry name, like Istio\'s injection template', async (t) => {
  t.same([...readUserEntries({ [VOLUME]: '{"a":{"emptyDir":{}}}' }, VOLUME).entries], [['a', { emptyDir: {} }]]);
  t.same([...readUserEntries({ [VOLUME]: '[{"name":"b","emptyDir":{}}]' }, VOLUME).entries], [['b', { emptyDir: {} }]]);
  t.same(readUserEntries({}, VOLUME), { entries: new Map(), written: [], present: false });
});

t.test('MG501 appends to a list-form userVolumeMount that mounts one volume at two paths, keeping both mounts', async (t) => {
  const mounts = '[{"name":"cache","mountPath":"/var/cache"},{"name":"cache","mountPath":"/var/cache-copy"}]';
  t.same(mergeVolumes({ [MOUNT]: mounts }, planned).patch, [
    { op: 'add', path: '/metadata/annotations/sidecar.istio.io~1userVolume', value: '{"meshguard-etc-certs":{"secret":{"secretName":"certs"}}}' },
    {
      op: 'replace',
      path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount',
      value:
        '[{"name":"cache","mountPath":"/var/cache"},{"name":"cache","mountPath":"/var/cache-copy"},{"name":"meshguard-etc-certs","mountPath":"/etc/certs","readOnly":true}]',
    },
  ]);
});

t.test('MG501 rewrites a list-form userVolumeMount without repeated names as the equivalent map', async (t) => {
  const mounts = '[{"name":"cache","mountPath":"/var/cache"}]';
  t.same(mergeVolumes({ [MOUNT]: mounts }, planned).patch[1], {
    op: 'replace',
    path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount',
    value: '{"cache":{"mountPath":"/var/cache"},"meshguard-etc-certs":{"mountPath":"/etc/certs","readOnly":true}}',
  });
});

t.test('userVolume that Istio cannot read is reported with the reason', async (t) => {
  const reasonOf = (text: string) => {
    try {
      readUserEntries({ [VOLUME]: text }, VOLUME);
      return 'read';
    } catch (error) {
      return error instanceof MalformedAnnotation ? error.message : 'crashed';
    }
  };
  t.equal(reasonOf('"x"'), 'must be a JSON object (map form) or a JSON array (list form)');
  t.equal(reasonOf('[{"emptyDir":{}}]'), 'list entry 0 has no "name"');
  t.equal(reasonOf('{"a":1}'), 'entry "a" is not a JSON object');
  t.match(reasonOf('{'), /^is not valid JSON \(/);
});

t.test('MG501 merge never throws on arbitrary annotation text, and a merged result merges to no patch', async (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), fc.oneof(fc.string(), fc.json()), (volume, mount) => {
      const annotations = { [VOLUME]: volume, [MOUNT]: mount };
      const result = mergeVolumes(annotations, planned);
      if (result.patch.length === 0) return;
      const after: Record<string, string> = { ...annotations };
      for (const op of result.patch) after[op.path.split('/').pop()!.replace('~1', '/')] = op.value as string;
      t.same(mergeVolumes(after, planned).patch, [], 'idempotent');
    }),
    { numRuns: 300 },
  );
});
