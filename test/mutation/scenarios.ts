import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { PolicyObject } from '../../src/cluster/model.js';
import type { AdmissionResponse, JsonPatchOperation } from '../../src/admission/types.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { capturedReview } from '../helpers/fixtures.js';

/** Istio's "sidecar TLS termination" example: httpbin terminates mutual TLS with files from two Secrets. */
export const httpbinSidecar: PolicyObject<'Sidecar'> = {
  kind: 'Sidecar',
  namespace: 'test',
  name: 'ingress-sidecar',
  creationTimestamp: '2026-11-23T00:40:00Z',
  annotations: { 'meshguard.io/tls-secret': 'httpbin-mtls-termination', 'meshguard.io/ca-secret': 'httpbin-mtls-termination-cacert' },
  spec: {
    workloadSelector: { labels: { app: 'httpbin', version: 'v1' } },
    ingress: [
      {
        port: { number: 9080, protocol: 'HTTPS', name: 'external' },
        defaultEndpoint: '0.0.0.0:80',
        tls: {
          mode: 'MUTUAL',
          privateKey: '/etc/istio/tls-certs/tls.key',
          serverCertificate: '/etc/istio/tls-certs/tls.crt',
          caCertificates: '/etc/istio/tls-ca-certs/ca.crt',
        },
      },
    ],
  },
};

/** A client that originates mutual TLS to backend with its own certificate; file names differ from the Secret keys. */
export const sleepDestinationRule: PolicyObject<'DestinationRule'> = {
  kind: 'DestinationRule',
  namespace: 'demo',
  name: 'backend-mtls',
  creationTimestamp: '2026-11-23T00:41:00Z',
  annotations: { 'meshguard.io/client-secret': 'sleep-client-cert', 'meshguard.io/ca-secret': 'backend-ca' },
  spec: {
    host: 'backend.demo.svc.cluster.local',
    workloadSelector: { matchLabels: { app: 'sleep' } },
    trafficPolicy: {
      tls: {
        mode: 'MUTUAL',
        clientCertificate: '/etc/sleep/certs/client.pem',
        privateKey: '/etc/sleep/certs/client-key.pem',
        caCertificates: '/etc/sleep/ca/root.pem',
      },
    },
  },
};

export const HTTPBIN_VOLUMES = {
  'meshguard-etc-istio-tls-certs': {
    secret: {
      secretName: 'httpbin-mtls-termination',
      items: [
        { key: 'tls.crt', path: 'tls.crt' },
        { key: 'tls.key', path: 'tls.key' },
      ],
    },
  },
  'meshguard-etc-istio-tls-ca-certs': { secret: { secretName: 'httpbin-mtls-termination-cacert', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
};

export const HTTPBIN_MOUNTS = {
  'meshguard-etc-istio-tls-certs': { mountPath: '/etc/istio/tls-certs', readOnly: true },
  'meshguard-etc-istio-tls-ca-certs': { mountPath: '/etc/istio/tls-ca-certs', readOnly: true },
};

/** The captured Pod (kubectl apply, sidecar annotations) moved to `namespace` with other labels and annotations. */
export function podIn(namespace: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject {
  const pod = structuredClone(capturedReview('pod-create-sidecar-annotations-mutating').request!.object!);
  pod.metadata = { ...pod.metadata, namespace, labels, annotations: { ...pod.metadata?.annotations, ...annotations } };
  return pod;
}

export function decodedPatch(response: AdmissionResponse): JsonPatchOperation[] {
  return response.patch === undefined ? [] : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as JsonPatchOperation[]);
}

/** Applies a JSON Patch the way the API server does, to a copy. */
export function applyPatch(object: KubeObject, patch: readonly JsonPatchOperation[]): KubeObject {
  return fastJsonPatch.applyPatch(structuredClone(object), patch as Operation[], true, false).newDocument;
}

/**
 * The volumes and mounts Istio's injection template renders from the two annotations: it ranges over
 * the parsed JSON and writes `name: <key>` before each entry, so a map is named by its keys and a list
 * entry by its own `name` (written later, it wins).
 */
export function istioRenders(annotations: Record<string, string> | undefined): { volumes: object[]; mounts: object[] } {
  const render = (text: string | undefined): object[] => {
    if (text === undefined) return [];
    const parsed = JSON.parse(text) as Record<string, object> | object[];
    return Array.isArray(parsed) ? parsed : Object.entries(parsed).map(([name, body]) => ({ name, ...body }));
  };
  return { volumes: render(annotations?.['sidecar.istio.io/userVolume']), mounts: render(annotations?.['sidecar.istio.io/userVolumeMount']) };
}
