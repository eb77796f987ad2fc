import type { Labels } from './model.js';

/** Label keys cannot contain `=`, so `key=value` is a unique posting-list key. */
const pair = (key: string, value: string) => `${key}=${value}`;

/** True when every `selector` entry is among `labels` (Kubernetes matchLabels semantics). */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

export function isEmptySelector(selector: Labels | undefined): boolean {
  if (!selector) return true;
  for (const key in selector) if (Object.hasOwn(selector, key)) return false;
  return true;
}

/**
 * Labelled items (workloads) found by a selector: one posting list per `key=value`, and a lookup
 * scans only the shortest list among the selector's pairs, so its cost follows the answer, not the
 * number of items.
 */
export class LabelIndex<T extends { labels: Labels }> {
  private readonly all = new Set<T>();
  private readonly postings = new Map<string, Set<T>>();

  get size(): number {
    return this.all.size;
  }

  add(item: T): void {
    this.all.add(item);
    for (const key in item.labels) {
      const k = pair(key, item.labels[key]!);
      let set = this.postings.get(k);
      if (!set) this.postings.set(k, (set = new Set()));
      set.add(item);
    }
  }

  remove(item: T): void {
    if (!this.all.delete(item)) return;
    for (const key in item.labels) {
      const k = pair(key, item.labels[key]!);
      const set = this.postings.get(k);
      set?.delete(item);
      if (set?.size === 0) this.postings.delete(k);
    }
  }

  items(): Iterable<T> {
    return this.all;
  }

  /** Items whose labels match `selector`; undefined or empty selects all of them. */
  matching(selector: Labels | undefined): T[] {
    if (!selector || isEmptySelector(selector)) return [...this.all];
    let shortest: Set<T> | undefined;
    for (const key in selector) {
      const set = this.postings.get(pair(key, selector[key]!));
      if (!set) return [];
      if (!shortest || set.size < shortest.size) shortest = set;
    }
    const out: T[] = [];
    for (const item of shortest!) if (selectorMatches(selector, item.labels)) out.push(item);
    return out;
  }
}

/**
 * Items that carry a selector (Services, workload-scoped policies) found by a set of labels. Each item
 * is filed under one of its selector's pairs; a lookup visits the lists of the labels' pairs and checks
 * the whole selector. Items with an empty selector select nothing here and are not filed.
 */
export class SelectorIndex<T> {
  private readonly postings = new Map<string, Map<T, Labels>>();

  add(item: T, selector: Labels | undefined): void {
    if (!selector || isEmptySelector(selector)) return;
    const k = filingKey(selector);
    let map = this.postings.get(k);
    if (!map) this.postings.set(k, (map = new Map()));
    map.set(item, selector);
  }

  remove(item: T, selector: Labels | undefined): void {
    if (!selector || isEmptySelector(selector)) return;
    const k = filingKey(selector);
    const map = this.postings.get(k);
    map?.delete(item);
    if (map?.size === 0) this.postings.delete(k);
  }

  selecting(labels: Labels): T[] {
    const out: T[] = [];
    for (const key in labels) {
      const map = this.postings.get(pair(key, labels[key]!));
      if (!map) continue;
      for (const [item, selector] of map) if (selectorMatches(selector, labels)) out.push(item);
    }
    return out;
  }
}

/** The smallest pair of the selector, so an item is always filed under the same key. */
function filingKey(selector: Labels): string {
  let best: string | undefined;
  for (const key in selector) {
    const k = pair(key, selector[key]!);
    if (best === undefined || k < best) best = k;
  }
  return best!;
}
