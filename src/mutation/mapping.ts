import { posix } from 'node:path';
import type { FileRole, TlsFile } from './tls-files.js';

/** The annotations that declare which Secret holds which file (README: "TLS volumes"). */
export const MAPPING = {
  /** On a Sidecar: the Secret with the server certificate and key of its ingress TLS listeners. */
  serverSecret: 'meshguard.io/tls-secret',
  /** On a DestinationRule: the Secret with the client certificate and key for MUTUAL origination. */
  clientSecret: 'meshguard.io/client-secret',
  /** On either: the Secret with the CA bundle (and CRL). May be the same Secret as the other. */
  caSecret: 'meshguard.io/ca-secret',
  /** On either: Secret keys when they are not the kubernetes.io/tls names, e.g. `cert=server.pem,ca=root.pem`. */
  secretKeys: 'meshguard.io/secret-keys',
  /** On a pod (template): whole Secrets mounted at directories, e.g. `httpbin-tls=/etc/istio/tls-certs`. */
  podMounts: 'meshguard.io/tls-mounts',
} as const;

export type MappingKind = 'Sidecar' | 'DestinationRule';

/** The key each role is read from unless `meshguard.io/secret-keys` says otherwise (kubernetes.io/tls and cert-manager names). */
export const DEFAULT_KEYS: Readonly<Record<FileRole, string>> = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt', crl: 'ca.crl' };

/** One file the sidecar reads, and the Secret key that provides it. */
export interface SecretFile {
  fieldPath: string;
  /** Normalized directory and file name: the volume is mounted at `dir`, the key projected to `fileName`. */
  dir: string;
  fileName: string;
  secret: string;
  key: string;
}

export interface SourceMapping {
  files: SecretFile[];
  /** Files whose role has no Secret declared (MG304/MG403 report them). */
  unmapped: TlsFile[];
  /** Mapping annotations or file paths that cannot be used: the field and why. */
  problems: MappingProblem[];
}

export interface MappingProblem {
  /** `metadata.annotations.meshguard.io/ca-secret`, `spec.ingress[0].tls.caCertificates` */
  path: string;
  message: string;
}

/** Maps each file a Sidecar or DestinationRule reads to a Secret key, from the object's annotations. */
export function mapSourceFiles(kind: MappingKind, annotations: Readonly<Record<string, string>>, files: readonly TlsFile[]): SourceMapping {
  const result: SourceMapping = { files: [], unmapped: [], problems: [] };
  const certAnnotation = certSecretAnnotation(kind);
  const secrets: Record<'cert' | 'ca', string | undefined> = {
    cert: secretName(annotations, certAnnotation, result.problems),
    ca: secretName(annotations, MAPPING.caSecret, result.problems),
  };
  const keys = secretKeys(annotations[MAPPING.secretKeys], result.problems);
  for (const file of files) {
    const secret = file.role === 'cert' || file.role === 'key' ? secrets.cert : secrets.ca;
    if (!secret) {
      result.unmapped.push(file);
      continue;
    }
    const location = fileLocation(file.file);
    if (typeof location === 'string') result.problems.push({ path: file.fieldPath, message: location });
    else result.files.push({ fieldPath: file.fieldPath, ...location, secret, key: keys[file.role] });
  }
  return result;
}

export function certSecretAnnotation(kind: MappingKind): string {
  return kind === 'Sidecar' ? MAPPING.serverSecret : MAPPING.clientSecret;
}

export interface PodMount {
  secret: string;
  dir: string;
}

/** Reads `meshguard.io/tls-mounts: secret=/dir,secret2=/dir2` from the pod (template); problems get one sentence each. */
export function podMounts(annotations: Readonly<Record<string, string>>, problems: string[]): PodMount[] {
  const value = annotations[MAPPING.podMounts];
  if (value === undefined) return [];
  const mounts: PodMount[] = [];
  for (const pair of splitList(value)) {
    const [secret = '', dir = '', ...rest] = pair.split('=').map((s) => s.trim());
    const problem =
      rest.length > 0 || !secret || !dir
        ? `"${pair}" is not secret=/directory`
        : !isSecretName(secret)
          ? `"${secret}" is not a valid Secret name`
          : directoryProblem(dir);
    if (problem) problems.push(problem);
    else mounts.push({ secret, dir: normalizeDir(dir) });
  }
  return mounts;
}

/**
 * Paths Istio's injection template mounts into istio-proxy (its bootstrap, SDS socket, tokens, CA
 * and pod info). A user volume at, inside or above one of them would hide Istio's own files.
 */
const ISTIO_PATHS = [
  '/etc/istio/proxy',
  '/etc/istio/pod',
  '/etc/istio/custom-bootstrap',
  '/var/lib/istio/data',
  '/var/run/secrets/istio',
  '/var/run/secrets/tokens',
  '/var/run/secrets/credential-uds',
  '/var/run/secrets/workload-spiffe-uds',
  '/var/run/secrets/workload-spiffe-credentials',
  '/var/run/secrets/kubernetes.io/serviceaccount',
];

/** Why a mount directory cannot be used, or undefined when it can. */
export function directoryProblem(dir: string): string | undefined {
  if (!dir.startsWith('/')) return `${dir} is not an absolute path`;
  const normalized = normalizeDir(dir);
  if (normalized === '/') return 'a volume cannot be mounted at /';
  const clash = ISTIO_PATHS.find((p) => p === normalized || p.startsWith(`${normalized}/`) || normalized.startsWith(`${p}/`));
  if (!clash) return undefined;
  return clash === normalized
    ? `${normalized} is where Istio mounts its own files into istio-proxy`
    : `${normalized} overlaps ${clash}, where Istio mounts its own files into istio-proxy`;
}

export function normalizeDir(dir: string): string {
  const normalized = posix.normalize(dir);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

function fileLocation(file: string): { dir: string; fileName: string } | string {
  if (file.endsWith('/')) return `${file} names a directory, not a file`;
  const dir = posix.dirname(file);
  const problem = directoryProblem(dir);
  return problem ?? { dir: normalizeDir(dir), fileName: posix.basename(file) };
}

function secretName(annotations: Readonly<Record<string, string>>, annotation: string, problems: MappingProblem[]): string | undefined {
  const value = annotations[annotation]?.trim();
  if (value === undefined || value === '') return undefined;
  if (isSecretName(value)) return value;
  problems.push({ path: `metadata.annotations.${annotation}`, message: `"${value}" is not a valid Secret name (lowercase letters, digits, '-' and '.')` });
  return undefined;
}

function secretKeys(value: string | undefined, problems: MappingProblem[]): Record<FileRole, string> {
  const keys = { ...DEFAULT_KEYS };
  for (const pair of splitList(value ?? '')) {
    const [role = '', key = '', ...rest] = pair.split('=').map((s) => s.trim());
    if (rest.length === 0 && Object.hasOwn(DEFAULT_KEYS, role) && /^[-._a-zA-Z0-9]+$/.test(key)) keys[role as FileRole] = key;
    else problems.push({ path: `metadata.annotations.${MAPPING.secretKeys}`, message: `"${pair}" is not role=key with role one of cert, key, ca, crl` });
  }
  return keys;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A DNS-1123 subdomain, as Kubernetes requires for Secret names. */
function isSecretName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
