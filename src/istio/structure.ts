/** A violation of istiod's validation, found without cluster state: where, what, and the fix. */
export interface StructureProblem {
  path: string;
  problem: string;
  fix: string;
}

/** `spec.selector.matchLabels["app"]`: map keys are quoted so any label key reads unambiguously. */
export function mapKeyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}
