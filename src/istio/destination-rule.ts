import type { DestinationRuleSpec } from './kinds.js';
import type { StructureProblem } from './structure.js';

type TrafficPolicy = NonNullable<DestinationRuleSpec['trafficPolicy']>;
export type ClientTls = NonNullable<TrafficPolicy['tls']>;

/** One `tls` block of a DestinationRule: top level, port level, subset, or subset port level. */
export interface TlsSite {
  path: string;
  tls: ClientTls;
  /** `for port 443 of subset v1`, for messages; empty for the top level. */
  where: string;
}

/** Every client TLS block of a DestinationRule, in document order. */
export function tlsSites(spec: DestinationRuleSpec | undefined): TlsSite[] {
  const sites: TlsSite[] = [];
  const visit = (policy: TrafficPolicy | undefined, base: string, subset: string) => {
    if (policy?.tls) sites.push({ path: `${base}.tls`, tls: policy.tls, where: subset });
    policy?.portLevelSettings?.forEach((setting, i) => {
      const port = setting.port?.number === undefined ? `port entry ${i}` : `port ${setting.port.number}`;
      if (setting.tls) sites.push({ path: `${base}.portLevelSettings[${i}].tls`, tls: setting.tls, where: ` for ${port}${subset}` });
    });
  };
  visit(spec?.trafficPolicy, 'spec.trafficPolicy', '');
  spec?.subsets?.forEach((subset, i) => visit(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, ` of subset ${subset.name}`));
  return sites;
}

/** Whether the sidecar originates TLS with certificates the DestinationRule names (not Istio's own mTLS). */
export function originatesTls(tls: ClientTls): boolean {
  return tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL';
}

/** What istiod's agent.ValidateTLS and validatePortTrafficPolicies reject in client TLS settings. */
export function destinationRuleTlsProblems(spec: DestinationRuleSpec | undefined): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const portless = (policy: TrafficPolicy | undefined, base: string) =>
    policy?.portLevelSettings?.forEach((setting, i) => {
      if (setting.tls && !setting.port) {
        problems.push({ path: `${base}.portLevelSettings[${i}].port`, problem: 'port-level TLS settings name no port', fix: 'Add port: {number: <service port>}.' });
      }
    });
  portless(spec?.trafficPolicy, 'spec.trafficPolicy');
  spec?.subsets?.forEach((subset, i) => portless(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
  for (const { path, tls } of tlsSites(spec)) problems.push(...clientTlsProblems(tls, path));
  return problems;
}

function clientTlsProblems(tls: ClientTls, path: string): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const sans = (tls.subjectAltNames ?? []).length > 0;
  if (tls.insecureSkipVerify === true && originatesTls(tls)) {
    const conflicting = [tls.caCertificates && 'caCertificates', tls.mode === 'SIMPLE' && tls.credentialName && 'credentialName', sans && 'subjectAltNames'].filter(Boolean);
    if (conflicting.length > 0) {
      problems.push({
        path: `${path}.insecureSkipVerify`,
        problem: `insecureSkipVerify: true contradicts ${conflicting.join(', ')}, which exist to verify the server`,
        fix: 'Remove insecureSkipVerify to verify the server (recommended), or remove the verification settings.',
      });
    }
  }
  if (originatesTls(tls) && tls.credentialName) {
    const files = (['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'] as const).filter((f) => tls[f]);
    if (files.length > 0) {
      problems.push({
        path: `${path}.credentialName`,
        problem: `credentialName is set together with ${files.join(', ')}, and the certificates come from one or the other`,
        fix: 'Keep credentialName (the Secret holds the certificates) or the file paths, not both.',
      });
    }
    return problems;
  }
  if (tls.mode === 'MUTUAL') {
    for (const field of ['clientCertificate', 'privateKey'] as const) {
      if (!tls[field]) problems.push({ path: `${path}.${field}`, problem: `mode MUTUAL needs ${field}`, fix: `Set ${field} to the file mounted in the sidecar, or use credentialName.` });
    }
  }
  return problems;
}
