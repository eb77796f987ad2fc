import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { KubeObject } from '../k8s/types.js';
import { isRecord } from '../admission/review.js';
import type { RuleKind } from './kinds.js';
import crdSchemas from './generated/crd-schemas.json' with { type: 'json' };

/**
 * The API server validates custom resources against their CRD schema before validating webhooks see
 * them, but the offline check, a mutating call, or a hostile client can hand us anything. Rules are
 * written against the schema, so an object that does not match it is reported instead of judged.
 */
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
const schemas = crdSchemas as Record<string, { spec: object } | undefined>;
const specValidators = new Map<string, ValidateFunction>();

/** Compiled on first use: a CLI run that reads only PeerAuthentications does not compile the DestinationRule schema. */
function specValidator(kind: string): ValidateFunction | undefined {
  let validate = specValidators.get(kind);
  const schema = schemas[kind];
  if (!validate && schema) {
    validate = ajv.compile(schema.spec);
    specValidators.set(kind, validate);
  }
  return validate;
}

/** Where and why an object cannot be read as its kind: `{ path: 'spec.mtls.mode', reason: 'must be equal to ...' }`. */
export interface ShapeIssue {
  path: string;
  reason: string;
}

/** `spec.mtls.mode must be string`: the issue as one phrase, for messages. */
export function describeShapeIssue(issue: ShapeIssue): string {
  return `${issue.path} ${issue.reason}`;
}

/** Returns where and why the object cannot be read as a `kind`, or undefined when it can. */
export function shapeIssue(kind: RuleKind, object: KubeObject): ShapeIssue | undefined {
  const metadata = object.metadata;
  if (metadata !== undefined && !isRecord(metadata)) return { path: 'metadata', reason: 'must be an object' };
  for (const field of ['labels', 'annotations'] as const) {
    const map: unknown = metadata?.[field];
    if (map === undefined || map === null) continue;
    if (!isRecord(map) || Object.values(map).some((v) => typeof v !== 'string')) return { path: `metadata.${field}`, reason: 'must map strings to strings' };
  }
  const spec: unknown = object.spec;
  if (spec === undefined || spec === null) return undefined;
  if (!isRecord(spec)) return { path: 'spec', reason: 'must be an object' };
  const validate = specValidator(kind);
  if (validate && !validate(spec)) return describeSchemaError(validate.errors?.[0]);
  return undefined;
}

function describeSchemaError(error: ErrorObject | undefined): ShapeIssue {
  if (!error) return { path: 'spec', reason: 'does not match the schema' };
  const path = error.instancePath.split('/').slice(1).map(segmentToPath).join('');
  const allowed = error.keyword === 'enum' ? (error.params as { allowedValues?: unknown[] }).allowedValues : undefined;
  const reason = error.message ?? 'does not match the schema';
  return { path: `spec${path}`, reason: allowed ? `${reason} (${allowed.map(String).join(', ')})` : reason };
}

function segmentToPath(segment: string): string {
  const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
  return /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
}
