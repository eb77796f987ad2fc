import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { CertificatesSettingsSchema } from './certs/settings.js';

const RuleMode = Type.Union([Type.Literal('enforce'), Type.Literal('warn'), Type.Literal('off')]);

const Exemption = Type.Object(
  {
    rule: Type.String({ pattern: '^MG[0-9]{3}$' }),
    namespace: Type.String({ minLength: 1 }),
    /** Omitted: every object of the namespace. */
    name: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const SettingsSchema = Type.Object(
  {
    /** enforce: deny findings reject the object. warn: everything is admitted, deny findings become warnings (a dry run for a new install). */
    mode: Type.Union([Type.Literal('enforce'), Type.Literal('warn')], { default: 'enforce' }),
    /** Istio's root namespace (meshConfig.rootNamespace): where mesh-wide policies live. */
    rootNamespace: Type.String({ minLength: 1, default: 'istio-system' }),
    /** Per-rule override: enforce (the rule's own severity), warn (deny becomes a warning), off. */
    rules: Type.Record(Type.String({ pattern: '^MG[0-9]{3}$' }), RuleMode, { default: {} }),
    /** Exemptions live in the operator's settings, never on the object being checked. */
    exemptions: Type.Array(Exemption, { default: [] }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /**
     * Where the cluster state of the cross-resource rules comes from. auto: inside a pod the in-cluster
     * service account, else KUBECONFIG or ~/.kube/config, else none (only the stateless rules run);
     * kubernetes: like auto, but no cluster found is a start-up error; none: never connect.
     */
    cluster: Type.Object(
      {
        source: Type.Union([Type.Literal('auto'), Type.Literal('kubernetes'), Type.Literal('none')], { default: 'auto' }),
        /** A kubeconfig file to use before any other source (development against a remote cluster). */
        kubeconfig: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    server: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        admissionPort: Type.Intersect([Port], { default: 8443 }),
        healthPort: Type.Intersect([Port], { default: 9090 }),
        /** Directory holding tls.crt and tls.key (and ca.crt for the development CA). */
        certDir: Type.String({ minLength: 1, default: 'certs' }),
        /** An object and its oldObject at the API server's 3 MiB limit, plus the envelope. */
        bodyLimitBytes: Type.Integer({ minimum: 7 * 1024 * 1024, default: 8 * 1024 * 1024 }),
        /**
         * Requests received or reviewed at once; past it meshguard answers 429 at once. A review takes
         * about a millisecond, so only bodies in transit pile up; the bound caps their memory
         * (at worst maxInFlight × bodyLimitBytes) and keeps the wait of the others short.
         */
        maxInFlight: Type.Integer({ minimum: 1, default: 32 }),
        /** After SIGTERM, keep serving (not ready) this long: the API server keeps sending to a terminating pod for a while. */
        shutdownDelaySeconds: Type.Integer({ minimum: 0, maximum: 300, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    certificates: CertificatesSettingsSchema,
  },
  { additionalProperties: false },
);

export type Settings = Static<typeof SettingsSchema>;
export type RuleMode = Static<typeof RuleMode>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Environment variables, each overriding one settings key. Any other MESHGUARD_* variable is an error. */
const ENVIRONMENT: Record<string, (settings: Record<string, unknown>, value: string) => void> = {
  MESHGUARD_SETTINGS: () => undefined,
  MESHGUARD_MODE: (s, v) => (s.mode = v),
  MESHGUARD_ROOT_NAMESPACE: (s, v) => (s.rootNamespace = v),
  MESHGUARD_LOG_LEVEL: (s, v) => (s.logLevel = v),
  MESHGUARD_HOST: (s, v) => (server(s).host = v),
  MESHGUARD_ADMISSION_PORT: (s, v) => (server(s).admissionPort = toInteger('MESHGUARD_ADMISSION_PORT', v)),
  MESHGUARD_HEALTH_PORT: (s, v) => (server(s).healthPort = toInteger('MESHGUARD_HEALTH_PORT', v)),
  MESHGUARD_CERT_DIR: (s, v) => (server(s).certDir = v),
  MESHGUARD_CLUSTER_SOURCE: (s, v) => ((s.cluster ??= {}) as Record<string, unknown>).source = v,
  MESHGUARD_MAX_IN_FLIGHT: (s, v) => (server(s).maxInFlight = toInteger('MESHGUARD_MAX_IN_FLIGHT', v)),
  MESHGUARD_RULES: (s, v) => (s.rules = { ...(s.rules as object), ...parseRuleList(v) }),
};

export interface SettingsSource {
  /** Path of the YAML settings file, if any. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Rule ids that exist; an override or exemption naming another id is rejected. */
  knownRules: ReadonlySet<string>;
}

export function loadSettings({ file, env = {}, knownRules }: SettingsSource): Settings {
  const raw = file ? readSettingsFile(file) : {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MESHGUARD_') || value === undefined) continue;
    const apply = ENVIRONMENT[name];
    if (!apply) throw new SettingsError(`unknown environment variable ${name}; known: ${Object.keys(ENVIRONMENT).join(', ')}`);
    apply(raw, value);
  }
  return validateSettings(raw, knownRules, file ?? 'settings');
}

export function validateSettings(raw: unknown, knownRules: ReadonlySet<string>, source = 'settings'): Settings {
  const withDefaults = Value.Default(SettingsSchema, structuredClone(raw ?? {}));
  const errors = [...Value.Errors(SettingsSchema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `${source}: ${pointerToPath(e.path)}: ${describeExpectation(e.schema, e.message)}${describeValue(e.value)}`);
    throw new SettingsError(lines.join('\n'));
  }
  const settings = withDefaults as Settings;
  const unknown = [
    ...Object.keys(settings.rules),
    ...settings.exemptions.map((e) => e.rule),
  ].filter((id) => !knownRules.has(id));
  if (unknown.length > 0) throw new SettingsError(`${source}: unknown rule id ${[...new Set(unknown)].join(', ')}`);
  return settings;
}

function readSettingsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SettingsError(`cannot read settings file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new SettingsError(`settings file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new SettingsError(`settings file ${file} must hold a mapping`);
  return parsed as Record<string, unknown>;
}

function server(settings: Record<string, unknown>): Record<string, unknown> {
  settings.server ??= {};
  return settings.server as Record<string, unknown>;
}

function toInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new SettingsError(`${name} must be an integer, got "${value}"`);
  return Number(value);
}

/** `MG101=warn,MG104=off` */
function parseRuleList(value: string): Record<string, string> {
  const rules: Record<string, string> = {};
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, mode, extra] = item.split('=');
    if (!id || !mode || extra !== undefined) throw new SettingsError(`MESHGUARD_RULES: "${item}" is not of the form MG101=warn`);
    rules[id.trim()] = mode.trim();
  }
  return rules;
}

function pointerToPath(pointer: string): string {
  return pointer.replace(/^\//, '').replaceAll('/', '.') || '(root)';
}

function describeExpectation(schema: object, fallback: string): string {
  const literals = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf?.map((member) => member.const);
  return literals && literals.every((l) => typeof l === 'string') ? `expected one of ${literals.join(', ')}` : fallback;
}

function describeValue(value: unknown): string {
  return value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
}
