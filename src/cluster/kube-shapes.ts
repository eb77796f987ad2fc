import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Ajv } from 'ajv';

/**
 * The Kubernetes shapes the view reads, and nothing else. Each schema is at once the type, the check
 * (a manifest can hold anything) and the projection: validating with `removeAdditional` deletes every
 * field not listed here (managedFields, status, images, env, volumes...) in place, so the informer
 * caches keep only these few fields per object and memory stays small at 10,000 pods.
 */
const Labels = Type.Record(Type.String(), Type.String());

const Metadata = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    namespace: Type.Optional(Type.String()),
    resourceVersion: Type.Optional(Type.String()),
    labels: Type.Optional(Labels),
    annotations: Type.Optional(Labels),
  },
  { additionalProperties: false },
);

/** Istio objects keep their creation time: the oldest policy wins in Istio. */
const TimedMetadata = Type.Object(
  { ...Metadata.properties, creationTimestamp: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** Pods keep their controller (a ReplicaSet, StatefulSet, Job...): the check replaces the pods of a workload it is given. */
const OwnerReference = Type.Object(
  { kind: Type.String(), name: Type.String(), controller: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const PodMetadata = Type.Object(
  { ...Metadata.properties, ownerReferences: Type.Optional(Type.Array(OwnerReference)) },
  { additionalProperties: false },
);

const ContainerPort = Type.Object(
  { containerPort: Type.Integer(), name: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

const Container = Type.Object(
  { name: Type.String(), ports: Type.Optional(Type.Array(ContainerPort)) },
  { additionalProperties: false },
);

const PodSpec = Type.Object(
  {
    serviceAccountName: Type.Optional(Type.String()),
    hostNetwork: Type.Optional(Type.Boolean()),
    containers: Type.Array(Container),
    /** Istio's native sidecar mode puts istio-proxy here. */
    initContainers: Type.Optional(Type.Array(Container)),
  },
  { additionalProperties: false },
);

const PodTemplate = Type.Object(
  {
    metadata: Type.Optional(Type.Object({ labels: Type.Optional(Labels), annotations: Type.Optional(Labels) }, { additionalProperties: false })),
    spec: PodSpec,
  },
  { additionalProperties: false },
);

const envelope = { apiVersion: Type.Optional(Type.String()), kind: Type.Optional(Type.String()) };

export const PodShape = Type.Object(
  {
    ...envelope,
    metadata: PodMetadata,
    spec: PodSpec,
    status: Type.Optional(Type.Object({ phase: Type.Optional(Type.String()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const NamespaceShape = Type.Object({ ...envelope, metadata: Metadata }, { additionalProperties: false });

/** ServiceAccounts: only the name matters (their `secrets` references are dropped with the rest). */
export const ServiceAccountShape = NamespaceShape;

const ServicePort = Type.Object(
  {
    name: Type.Optional(Type.String()),
    port: Type.Integer(),
    targetPort: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    protocol: Type.Optional(Type.String()),
    appProtocol: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ServiceShape = Type.Object(
  {
    ...envelope,
    metadata: Metadata,
    spec: Type.Object(
      { selector: Type.Optional(Labels), ports: Type.Optional(Type.Array(ServicePort)) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** Deployment, StatefulSet, DaemonSet, ReplicaSet and Job (the manifest view reads their pod templates). */
export const TemplatedWorkloadShape = Type.Object(
  {
    ...envelope,
    metadata: Metadata,
    spec: Type.Object(
      { replicas: Type.Optional(Type.Integer()), parallelism: Type.Optional(Type.Integer()), template: PodTemplate },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const CronJobShape = Type.Object(
  {
    ...envelope,
    metadata: Metadata,
    spec: Type.Object(
      { jobTemplate: Type.Object({ spec: Type.Object({ template: PodTemplate }, { additionalProperties: false }) }, { additionalProperties: false }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const EnvVar = Type.Object(
  { name: Type.String(), value: Type.Optional(Type.String()), valueFrom: Type.Optional(Type.Object({})) },
  { additionalProperties: false },
);

/** istiod's Deployment: only its containers' environment (ENABLE_TLS_ON_SIDECAR_INGRESS). */
export const IstiodDeploymentShape = Type.Object(
  {
    ...envelope,
    metadata: Metadata,
    spec: Type.Object(
      {
        template: Type.Object(
          {
            spec: Type.Object(
              { containers: Type.Array(Type.Object({ name: Type.String(), env: Type.Optional(Type.Array(EnvVar)) }, { additionalProperties: false })) },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** Istio objects keep their whole spec: the rules read most of it. */
export const IstioObjectShape = Type.Object(
  { ...envelope, metadata: TimedMetadata, spec: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false },
);

export type PodObject = Static<typeof PodShape>;
export type NamespaceObject = Static<typeof NamespaceShape>;
export type ServiceObject = Static<typeof ServiceShape>;
export type TemplatedWorkloadObject = Static<typeof TemplatedWorkloadShape>;
export type CronJobObject = Static<typeof CronJobShape>;
export type IstiodDeploymentObject = Static<typeof IstiodDeploymentShape>;
export type IstioObject = Static<typeof IstioObjectShape>;
export type PodTemplateObject = Static<typeof PodTemplate>;

const ajv = new Ajv({ removeAdditional: true, strict: false, allErrors: false });

/**
 * Checks a value against a shape and strips it in place to the shape's fields; answers undefined when
 * it does not match, and `problem()` then says why (for the manifest view's report).
 */
export interface Slimmer<T> {
  (value: unknown): T | undefined;
  problem(): string;
}

export function slimmer<S extends TObject>(schema: S): Slimmer<Static<S>> {
  const validate = ajv.compile(schema);
  const slim = (value: unknown) => (validate(value) ? (value as Static<S>) : undefined);
  const problem = () => {
    const error = validate.errors?.[0];
    return error ? `${error.instancePath.replaceAll('/', '.').replace(/^\./, '') || 'object'} ${error.message ?? 'is invalid'}` : 'object is invalid';
  };
  return Object.assign(slim, { problem });
}

/** The kubectl copy of the whole object: often the largest field, and never read. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
