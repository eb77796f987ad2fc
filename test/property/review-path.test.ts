import { isDeepStrictEqual } from 'node:util';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import t from 'tap';
import { ReviewDecodeError } from '../../src/admission/review.js';
import type { AdmissionReview } from '../../src/admission/types.js';
import { handleReview, type WebhookDeps, type WebhookName } from '../../src/admission/webhook.js';
import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { RuleKind } from '../../src/istio/kinds.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { createLogger } from '../../src/server/logger.js';
import { Metrics } from '../../src/server/metrics.js';
import { validateSettings } from '../../src/settings.js';
import { secretLeaks } from '../helpers/secret-scan.js';
import { applyPatch, decodePatch, wellFormedProblems } from './invariants.js';
import { ISTIO_KINDS, PLANTED_SECRETS, reviewsOf } from './objects.js';
import { propertyRunOptions } from './run-options.js';
import { nearValid } from './schema-arbitrary.js';

/** Generated reviews through the whole review path (decode, shape check, every rule, settings, response). */
const runOptions = propertyRunOptions(150);
const { numRuns } = runOptions;

const registry = defaultRegistry();
const knownRules = new Set(registry.all().map((rule) => rule.id));
const logLines: string[] = [];
const logger = createLogger(
  'debug',
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  }),
);
const metrics = new Metrics({ processMetrics: false });
/** An empty cluster whose caches have synced: the cross-resource rules run instead of being skipped. */
const SYNCED_EMPTY: ClusterView = { ...NO_CLUSTER, synced: true, withChange: () => SYNCED_EMPTY };

const settingsArbitrary = fc.record({
  mode: fc.constantFrom('enforce', 'warn'),
  rules: fc.dictionary(fc.constantFrom(...knownRules), fc.constantFrom('enforce', 'warn', 'off'), { maxKeys: 3 }),
  exemptions: fc.array(fc.record({ rule: fc.constantFrom(...knownRules), namespace: fc.constantFrom('foo', 'istio-system', 'default') }), { maxLength: 2 }),
});

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

interface Review {
  request: { uid: string; operation: string; object: unknown; oldObject: unknown };
}

/** Throws with the reason when the answer to `body` is not well-formed or its patch misbehaves. */
function checkReview(webhook: WebhookName, body: Review, deps: WebhookDeps): void {
  let answer: AdmissionReview;
  try {
    answer = handleReview(webhook, body, deps);
  } catch (error) {
    // The only acceptable throw: the envelope itself is not an AdmissionReview (HTTP 400).
    if (error instanceof ReviewDecodeError && !envelopeObjectsAreRecords(body)) return;
    throw error;
  }
  const problems = wellFormedProblems(answer, body.request.uid);
  if (problems.length > 0) throw new Error(`ill-formed answer: ${problems.join('; ')}\n${JSON.stringify(answer)}`);

  const ops = decodePatch(answer.response?.patch) ?? [];
  if (ops.length === 0) return;
  const patched = applyPatch(body.request.object, ops);
  const again = handleReview(webhook, { ...body, request: { ...body.request, object: patched } }, deps);
  const repatched = applyPatch(patched, decodePatch(again.response?.patch) ?? []);
  if (!isDeepStrictEqual(repatched, patched)) throw new Error(`patch is not idempotent: a second review changed ${JSON.stringify(patched)}`);
}

function envelopeObjectsAreRecords(body: Review): boolean {
  const isRecordOrNull = (value: unknown) => value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value));
  return isRecordOrNull(body.request.object) && isRecordOrNull(body.request.oldObject);
}

function depsFor(rawSettings: unknown, synced: boolean): WebhookDeps {
  const settings = validateSettings(rawSettings, knownRules);
  return { registry, settings: () => settings, view: synced ? SYNCED_EMPTY : NO_CLUSTER, metrics, logger };
}

for (const kind of [...ISTIO_KINDS, 'Pod'] as RuleKind[]) {
  t.test(`${kind}: every generated review (valid, near-valid, garbage) gets a well-formed answer and no rule throws`, async (t) => {
    const failuresBefore = await metrics.ruleFailures.get();
    t.doesNotThrow(() =>
      fc.assert(
        fc.property(fc.constantFrom<WebhookName>('validate', 'mutate'), reviewsOf(kind), settingsArbitrary, fc.boolean(), (webhook, body, settings, synced) =>
          checkReview(webhook, body, depsFor(settings, synced)),
        ),
        runOptions,
      ),
    );
    t.same((await metrics.ruleFailures.get()).values, failuresBefore.values, 'no rule threw (a throw is caught, warned about and counted)');
  });
}

t.test('near-valid envelopes get a well-formed answer or a ReviewDecodeError, nothing else', async (t) => {
  const envelopes = fc.oneof(...ISTIO_KINDS.map((kind) => nearValid(reviewsOf(kind))), fc.anything());
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(envelopes, (body) => {
        try {
          const answer = handleReview('validate', body, depsFor({}, true));
          const uid = (body as Review).request.uid;
          const problems = wellFormedProblems(answer, uid);
          if (problems.length > 0) throw new Error(problems.join('; '));
        } catch (error) {
          if (!(error instanceof ReviewDecodeError)) throw error;
        }
      }),
      runOptions,
    ),
  );
});

t.test('no generated map key (__proto__, constructor, prototype) polluted Object.prototype', async (t) => {
  t.same(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('the review log lines of every generated review carry none of the planted secrets', async (t) => {
  t.ok(logLines.length > numRuns, `${logLines.length} log lines were captured`);
  t.ok(
    logLines.some((line) => line.includes('"msg":"review"')),
    'review lines among them',
  );
  t.same(secretLeaks(logLines, Object.values(PLANTED_SECRETS)), []);
});
