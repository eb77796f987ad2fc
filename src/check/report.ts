import type { Severity } from '../rules/types.js';

/** Where in the input something is: 1-based line and column, like editors and compilers print them. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A file that could not be read or parsed: the run cannot give a verdict (exit code 2). */
export interface InputProblem extends SourceLocation {
  message: string;
}

/** The object a finding is about. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One finding after the settings were applied: `severity` is the outcome (deny rejects, warn admits). */
export interface CheckFinding extends SourceLocation, ObjectRef {
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  /** Field path inside the object, e.g. `spec.rules[0].to[0].operation.methods`. */
  path: string;
  message: string;
}

/** Something the user should know that is not a finding: a skipped check, a rule that failed. */
export interface CheckNote extends Partial<SourceLocation> {
  message: string;
}

export interface CheckReport {
  /** Files (and standard input) read. */
  files: number;
  /** Kubernetes objects found, List items counted one by one. */
  objects: number;
  /** Objects judged by the rules (the Istio kinds). */
  checked: number;
  /** YAML documents that are not Kubernetes objects (no apiVersion and kind), such as Helm values. */
  ignoredDocuments: number;
  findings: CheckFinding[];
  notes: CheckNote[];
  problems: InputProblem[];
}

/** The pseudo-rule for an object that does not match Istio's CRD schema: the API server would reject it. */
export const SCHEMA_RULE = 'schema';

export type FailOn = 'deny' | 'warn';

export const EXIT_OK = 0;
export const EXIT_DENIED = 1;
export const EXIT_USAGE = 2;

/** 2 when the input could not be read, 1 when a finding fails the run, else 0. */
export function exitCode(report: CheckReport, failOn: FailOn): number {
  if (report.problems.length > 0) return EXIT_USAGE;
  const failing = report.findings.some((f) => f.severity === 'deny' || failOn === 'warn');
  return failing ? EXIT_DENIED : EXIT_OK;
}

export function countBySeverity(findings: readonly CheckFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { deny: 0, warn: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}
