import { mapKeyPath, type StructureProblem } from './structure.js';

/** A selector with at least one label: Istio treats a missing or empty one as "the whole namespace". */
export function hasSelector(spec: { selector?: { matchLabels?: Readonly<Record<string, string | undefined>> } } | undefined): boolean {
  return Object.keys(spec?.selector?.matchLabels ?? {}).length > 0;
}

/** istiod's selector checks (validateWorkloadSelector / ValidateAlphaWorkloadSelector): no empty keys, no wildcards. */
export function selectorProblems(labels: Readonly<Record<string, string | undefined>> | undefined, base: string): StructureProblem[] {
  return Object.entries(labels ?? {}).flatMap(([key, raw]): StructureProblem[] => {
    const path = mapKeyPath(base, key);
    const value = raw ?? '';
    if (key === '') return [{ path, problem: 'a label key is empty', fix: 'Remove the entry or give it the label name.' }];
    if (key.includes('*') || value.includes('*')) {
      return [{ path, problem: `label ${JSON.stringify(`${key}=${value}`)} has a wildcard, which selectors do not support`, fix: 'Select by exact label values.' }];
    }
    return [];
  });
}
