import fc from 'fast-check';

/** The subset of an OpenAPI v3 (structural CRD) schema that Istio's CRDs use. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: Schema[];
  allOf?: Schema[];
}

/**
 * Strings that steer the rules into their interesting branches (HTTP verbs in every case, paths with
 * and without wildcards, principals in every format, root and ordinary namespaces, ports as text),
 * mixed with arbitrary and hostile text.
 */
const meaningfulString = fc.constantFrom(
  'GET', 'get', 'POST', '*', 'PUT*', '*ET', 'FOO', '/', '/api/*', '*/health', '/a*b', 'api', '/pkg.Service/Method',
  'cluster.local/ns/foo/sa/bar', 'spiffe://cluster.local/ns/foo/sa/bar', 'ns/foo/sa/bar', 'cluster.local/ns/*/sa/x', '*/ns/foo/sa/bar',
  'istio-system', 'default', 'foo', 'kube-system', 'reviews', 'reviews.default.svc.cluster.local', '*.example.com', '*.local',
  '80', '8080', '9000', '0', '65536', 'http', 'tcp', 'request.headers[x-user]', 'request.auth.claims[iss]', 'source.ip', 'source.namespace',
  'ISTIO_MUTUAL', 'MUTUAL', 'SIMPLE', 'DISABLE', '/etc/certs/cert.pem', '/var/run/secrets/tls/tls.crt', 'kubernetes://secret', '10.0.0.0/8',
);

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: meaningfulString },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\t', '\u0000', '__proto__', 'constructor', 'toString') },
);

/** Map keys, including the ones that pollute prototypes when code copies maps carelessly. */
export const mapKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('app', 'version', 'istio', 'security.istio.io/tlsMode', '80', '8080', '9000') },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty') },
);

/** Values of the wrong type for any field: what a near-valid object carries in one place. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  anyString,
  fc.array(anyString, { maxLength: 2 }),
  fc.dictionary(mapKey, anyString, { maxKeys: 2 }),
);

/** An arbitrary producing values that follow the schema (enums, types, required keys); lists and maps stay small. */
export function arbitraryFor(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer': {
      const min = schema.minimum ?? -1;
      const max = Math.min(schema.maximum ?? 70_000, 70_000);
      const common = [0, 80, 443, 8080, 9000, 15006, 65535].filter((n) => n >= min && n <= max);
      return common.length > 0 ? fc.oneof(fc.constantFrom(...common), fc.integer({ min, max })) : fc.integer({ min, max });
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 3, Math.max(3, minLength));
      return fc.array(schema.items ? arbitraryFor(schema.items) : fc.jsonValue({ maxDepth: 2 }), { minLength, maxLength });
    }
    case 'object':
    case undefined:
      return objectArbitrary(schema);
  }
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const base = schema.pattern ? fc.oneof(anyString, fc.stringMatching(new RegExp(schema.pattern))) : anyString;
  const { minLength = 0, maxLength = Infinity } = schema;
  const fits = (text: string) => text.length >= minLength && text.length <= maxLength && (!schema.pattern || new RegExp(schema.pattern).test(text));
  return base.filter(fits);
}

function objectArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const additional = schema.additionalProperties;
  if (properties.length === 0 && typeof additional === 'object') return fc.dictionary(mapKey, arbitraryFor(additional), { maxKeys: 3 });
  if (properties.length === 0) return fc.dictionary(mapKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });
  const model = Object.fromEntries(properties.map(([key, child]) => [key, arbitraryFor(child)]));
  const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in model) });
  const groups = exclusiveGroups(schema);
  return groups.length === 0 ? record : record.map((value) => keepOneOfEach(value as Record<string, unknown>, groups));
}

/** Istio's oneOf fields (`loadBalancer.simple` or `consistentHash`, ...): keys of which at most one may be set. */
function exclusiveGroups(schema: Schema): string[][] {
  const oneOfs = [schema.oneOf, ...(schema.allOf ?? []).map((member) => member.oneOf)].filter((list): list is Schema[] => Array.isArray(list));
  return oneOfs.map((list) => list.flatMap((member) => member.required ?? [])).filter((group) => group.length > 1);
}

function keepOneOfEach(value: Record<string, unknown>, groups: string[][]): Record<string, unknown> {
  for (const group of groups) for (const key of group.filter((k) => k in value).slice(1)) delete value[key];
  return value;
}

/** One node of a JSON value, addressed by its parent and key, so a test can replace or delete it. */
interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function slotsOf(value: unknown, slots: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((child, key) => slots.push({ parent: value, key }, ...slotsOf(child)));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) slots.push({ parent: value as Record<string, unknown>, key }, ...slotsOf(child));
  }
  return slots;
}

/** A valid value with one field replaced by a wrong-typed value, or removed (possibly a required one). */
export function nearValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), wrongValue, fc.boolean()).map(([value, pick, replacement, remove]) => {
    const copy = structuredClone(value);
    const slots = slotsOf(copy);
    const slot = slots[pick % Math.max(slots.length, 1)];
    if (!slot) return replacement;
    if (remove && !Array.isArray(slot.parent)) delete slot.parent[slot.key as string];
    else (slot.parent as Record<string | number, unknown>)[slot.key] = replacement;
    return copy;
  });
}
