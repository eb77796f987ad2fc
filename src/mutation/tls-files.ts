import type { DestinationRuleSpec, SidecarSpec } from '../istio/kinds.js';

/** What a certificate file is for; each role has a default Secret key (see mapping.ts). */
export type FileRole = 'cert' | 'key' | 'ca' | 'crl';

/** A file the sidecar reads from its own filesystem, and the field that names it. */
export interface TlsFile {
  /** `spec.ingress[0].tls.serverCertificate` */
  fieldPath: string;
  /** The absolute path the sidecar opens, as written. */
  file: string;
  role: FileRole;
}

type TrafficPolicy = NonNullable<DestinationRuleSpec['trafficPolicy']>;
type ClientTls = NonNullable<TrafficPolicy['tls']>;

/**
 * Files of the Sidecar's ingress TLS listeners. Istio reads the CA (and CRL) only to verify client
 * certificates, so only in MUTUAL and OPTIONAL_MUTUAL; `credentialName` replaces the files entirely.
 */
export function sidecarTlsFiles(spec: SidecarSpec | undefined): TlsFile[] {
  const files: TlsFile[] = [];
  (spec?.ingress ?? []).forEach((listener, i) => {
    const tls = listener.tls;
    if (!tls || usesCredential(tls)) return;
    const mutual = tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
    if (!mutual && tls.mode !== 'SIMPLE') return;
    const base = `spec.ingress[${i}].tls`;
    collect(files, base, [
      ['serverCertificate', tls.serverCertificate, 'cert'],
      ['privateKey', tls.privateKey, 'key'],
      ...(mutual ? ([['caCertificates', tls.caCertificates, 'ca'], ['caCrl', tls.caCrl, 'crl']] as const) : []),
    ]);
  });
  return files;
}

/**
 * Files of a DestinationRule's TLS origination, at every level Istio reads `tls`: the top traffic
 * policy, its port-level settings, and the same inside each subset. MUTUAL reads the client
 * certificate, key and CA; SIMPLE only the CA; `credentialName` replaces the files.
 */
export function destinationRuleTlsFiles(spec: DestinationRuleSpec | undefined): TlsFile[] {
  const files: TlsFile[] = [];
  const policies: Array<[string, TrafficPolicy | undefined]> = [['spec.trafficPolicy', spec?.trafficPolicy]];
  (spec?.subsets ?? []).forEach((subset, i) => policies.push([`spec.subsets[${i}].trafficPolicy`, subset.trafficPolicy]));
  for (const [path, policy] of policies) {
    clientFiles(files, `${path}.tls`, policy?.tls);
    (policy?.portLevelSettings ?? []).forEach((setting, j) => clientFiles(files, `${path}.portLevelSettings[${j}].tls`, setting.tls));
  }
  return files;
}

function clientFiles(files: TlsFile[], base: string, tls: ClientTls | undefined): void {
  if (!tls || usesCredential(tls) || (tls.mode !== 'MUTUAL' && tls.mode !== 'SIMPLE')) return;
  collect(files, base, [
    ...(tls.mode === 'MUTUAL' ? ([['clientCertificate', tls.clientCertificate, 'cert'], ['privateKey', tls.privateKey, 'key']] as const) : []),
    ['caCertificates', tls.caCertificates, 'ca'],
    ['caCrl', tls.caCrl, 'crl'],
  ]);
}

function usesCredential(tls: { credentialName?: string; credentialNames?: readonly string[] }): boolean {
  return Boolean(tls.credentialName) || (tls.credentialNames?.length ?? 0) > 0;
}

function collect(files: TlsFile[], base: string, fields: ReadonlyArray<readonly [string, string | undefined, FileRole]>): void {
  for (const [field, file, role] of fields) {
    if (file) files.push({ fieldPath: `${base}.${field}`, file, role });
  }
}
