import fc from 'fast-check';
import t from 'tap';
import type { RuleKind } from '../../src/istio/kinds.js';
import { shapeIssue } from '../../src/istio/shape.js';
import { ALL_RULES } from '../../src/rules/catalog.js';
import type { Finding, Rule } from '../../src/rules/types.js';
import { check } from '../helpers/rules.js';

/** Strings built from the characters the rules parse: wildcards, slashes, braces, brackets, dots, digits. */
const token = fc.stringMatching(/^[a-zA-Z0-9*/{}[\].:?%-]{0,12}$/);
const tokens = fc.array(token, { maxLength: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const labels = fc.dictionary(token, token, { maxKeys: 2 });

const authorizationPolicy = fc.record(
  {
    action: maybe(fc.constantFrom('ALLOW', 'DENY', 'AUDIT', 'CUSTOM')),
    selector: maybe(fc.record({ matchLabels: labels })),
    provider: maybe(fc.record({ name: token })),
    rules: maybe(
      fc.array(
        fc.record(
          {
            from: maybe(fc.array(fc.record({ source: maybe(fc.record({ principals: tokens, notPrincipals: tokens, namespaces: tokens, ipBlocks: tokens, requestPrincipals: tokens, serviceAccounts: tokens }, { requiredKeys: [] })) }, { requiredKeys: [] }), { maxLength: 2 })),
            to: maybe(fc.array(fc.record({ operation: maybe(fc.record({ ports: tokens, methods: tokens, notMethods: tokens, paths: tokens, notPaths: tokens, hosts: tokens }, { requiredKeys: [] })) }, { requiredKeys: [] }), { maxLength: 2 })),
            when: maybe(fc.array(fc.record({ key: fc.oneof(token, fc.constantFrom('source.ip', 'destination.port', 'source.principal', 'request.headers[x]')), values: maybe(tokens), notValues: maybe(tokens) }), { maxLength: 2 })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
);

const mode = fc.constantFrom('UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT');
const peerAuthentication = fc.record(
  { selector: maybe(fc.record({ matchLabels: labels })), mtls: maybe(fc.record({ mode })), portLevelMtls: maybe(fc.dictionary(token, fc.record({ mode }), { minKeys: 1, maxKeys: 3 })) },
  { requiredKeys: [] },
);

const clientTls = fc.record(
  { mode: fc.constantFrom('DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'), caCertificates: maybe(token), clientCertificate: maybe(token), privateKey: maybe(token), credentialName: maybe(token), insecureSkipVerify: maybe(fc.boolean()), subjectAltNames: maybe(tokens) },
  { requiredKeys: [] },
);
const trafficPolicy = fc.record({ tls: maybe(clientTls), portLevelSettings: maybe(fc.array(fc.record({ port: maybe(fc.record({ number: fc.nat(70000) })), tls: maybe(clientTls) }, { requiredKeys: [] }), { maxLength: 2 })) }, { requiredKeys: [] });
const destinationRule = fc.record({ host: token, trafficPolicy: maybe(trafficPolicy), subsets: maybe(fc.array(fc.record({ name: token, trafficPolicy: maybe(trafficPolicy) }), { maxLength: 2 })) }, { requiredKeys: ['host'] });

const serverTls = fc.record(
  { mode: fc.constantFrom('PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'), serverCertificate: maybe(token), privateKey: maybe(token), caCertificates: maybe(token), credentialName: maybe(token), caCrl: maybe(token) },
  { requiredKeys: [] },
);
const sidecar = fc.record(
  {
    workloadSelector: maybe(fc.record({ labels })),
    ingress: maybe(fc.array(fc.record({ port: fc.record({ number: fc.nat(70000), protocol: fc.oneof(token, fc.constantFrom('HTTPS', 'HTTP', 'TLS')) }, { requiredKeys: [] }), defaultEndpoint: maybe(token), bind: maybe(token), tls: maybe(serverTls) }, { requiredKeys: ['port'] }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

const SPECS: ReadonlyArray<[RuleKind, fc.Arbitrary<object>]> = [
  ['AuthorizationPolicy', authorizationPolicy],
  ['PeerAuthentication', peerAuthentication],
  ['DestinationRule', destinationRule],
  ['Sidecar', sidecar],
];

for (const [kind, arbitrary] of SPECS) {
  t.test(`every ${kind} rule answers any schema-valid object with one-line findings and never throws`, async (t) => {
    const rules = ALL_RULES.filter((r) => r.kinds.includes(kind));
    fc.assert(
      fc.property(arbitrary, fc.constantFrom('foo', 'istio-system'), (spec, namespace) => {
        fc.pre(shapeIssue(kind, { spec }) === undefined);
        for (const rule of rules) {
          const findings: Finding[] = check(rule as Rule<RuleKind>, kind, spec as never, { namespace });
          for (const f of findings) {
            if (f.rule !== rule.id || !f.path.startsWith('spec') || f.message.length === 0 || /[\n\t]/.test(f.message)) {
              throw new Error(`${rule.id} produced a malformed finding: ${JSON.stringify(f)}`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    t.pass(`${rules.length} rules checked`);
  });
}
