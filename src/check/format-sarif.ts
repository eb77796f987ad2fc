import { readFileSync } from 'node:fs';
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Rule } from '../rules/types.js';
import { SCHEMA_RULE, type CheckReport, type SourceLocation } from './report.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const SCHEMA_RULE_DESCRIPTOR: ReportingDescriptor = {
  id: SCHEMA_RULE,
  name: 'IstioSchema',
  shortDescription: { text: "The object does not match Istio's CRD schema: the API server rejects it." },
  defaultConfiguration: { level: 'error' },
};

/**
 * SARIF 2.1.0 for code-scanning UIs (`--output sarif`): one run, every rule's metadata in the driver,
 * one result per finding at the field's position, input errors and notes as tool notifications.
 * Columns are UTF-16 code units, as the positions come from JavaScript strings.
 */
export function formatSarif(report: CheckReport, rules: readonly Rule[]): string {
  const descriptors = [...rules.map(describeRule), SCHEMA_RULE_DESCRIPTOR];
  const ruleIndex = new Map(descriptors.map((d, i) => [d.id, i]));
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule),
    level: f.severity === 'deny' ? 'error' : 'warning',
    message: { text: `${f.path}: ${f.message}` },
    locations: [
      {
        ...physicalLocation(f),
        logicalLocations: [{ name: f.name, fullyQualifiedName: `${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name}`, kind: 'object' }],
      },
    ],
  }));
  const notifications: Notification[] = [
    ...report.problems.map((p): Notification => ({ level: 'error', message: { text: p.message }, locations: [physicalLocation(p)] })),
    ...report.notes.map((n): Notification => ({
      level: 'note',
      message: { text: n.message },
      ...(n.file ? { locations: [physicalLocation({ ...n, file: n.file })] } : {}),
    })),
  ];
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'meshguard', version: packageVersion(), rules: descriptors } },
        invocations: [{ executionSuccessful: report.problems.length === 0, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function describeRule(rule: Rule): ReportingDescriptor {
  const level = rule.severity === 'deny' ? 'error' : rule.severity === 'warn' ? 'warning' : undefined;
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    ...(level ? { defaultConfiguration: { level } } : {}),
    properties: { kinds: [...rule.kinds], severity: rule.severity, needsClusterState: rule.needsCluster },
  };
}

function physicalLocation(location: SourceLocation): Location {
  const region = location.line === undefined ? undefined : { startLine: location.line, ...(location.column ? { startColumn: location.column } : {}) };
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(location.file.replaceAll('\\', '/')) },
      ...(region ? { region } : {}),
    },
  };
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
