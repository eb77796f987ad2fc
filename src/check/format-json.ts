import { countBySeverity, type CheckReport } from './report.js';

/**
 * The report as one JSON document (`--output json`): a summary, the findings with their positions,
 * notes, and input errors. Keys are stable; consumers should ignore keys they do not know.
 */
export function formatJson(report: CheckReport): string {
  const counts = countBySeverity(report.findings);
  const document = {
    summary: {
      files: report.files,
      objects: report.objects,
      checked: report.checked,
      ignoredDocuments: report.ignoredDocuments,
      deny: counts.deny,
      warn: counts.warn,
      errors: report.problems.length,
    },
    findings: report.findings.map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      kind: f.kind,
      namespace: f.namespace,
      name: f.name,
      rule: f.rule,
      severity: f.severity,
      path: f.path,
      message: f.message,
    })),
    notes: report.notes,
    errors: report.problems,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
