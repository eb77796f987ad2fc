/** A count kept per namespace, read in O(1) whatever the number of namespaces. */
export interface NamespaceCounts {
  /** The sum over every namespace. */
  readonly total: number;
  /** How many namespaces have a count that is not zero. */
  readonly size: number;
  get(namespace: string): number;
  /** The namespaces whose count is not zero, in the order they became non-zero. */
  namespaces(): Iterable<string>;
  /** The `limit` namespaces with the highest counts, highest first, ties by name; empty unless the counter is ranked. */
  top(limit: number): ReadonlyArray<readonly [namespace: string, count: number]>;
}

type Entry = [namespace: string, count: number];

/** Highest count first, then namespace name. */
const byRank = (a: Entry, b: Entry) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Per-namespace counts that the store adjusts on every update (a workload added, changed or removed),
 * so a mesh-wide question reads a total instead of visiting every workload. A ranked counter also keeps
 * its non-zero entries sorted (binary search on update), so the largest few are read without a scan.
 */
export class NamespaceCounter implements NamespaceCounts {
  private readonly counts = new Map<string, number>();
  private readonly ranking: Entry[] | undefined;
  private sum = 0;

  constructor(options: { ranked?: boolean } = {}) {
    this.ranking = options.ranked ? [] : undefined;
  }

  get total(): number {
    return this.sum;
  }

  get size(): number {
    return this.counts.size;
  }

  get(namespace: string): number {
    return this.counts.get(namespace) ?? 0;
  }

  add(namespace: string, delta: number): void {
    if (delta === 0) return;
    const before = this.get(namespace);
    const after = before + delta;
    this.sum += delta;
    if (after === 0) this.counts.delete(namespace);
    else this.counts.set(namespace, after);
    if (!this.ranking) return;
    if (before !== 0) this.ranking.splice(this.position([namespace, before]), 1);
    if (after !== 0) this.ranking.splice(this.position([namespace, after]), 0, [namespace, after]);
  }

  namespaces(): Iterable<string> {
    return this.counts.keys();
  }

  top(limit: number): ReadonlyArray<readonly [string, number]> {
    return this.ranking?.slice(0, limit) ?? [];
  }

  /** Where `entry` is, or belongs, in the ranking. */
  private position(entry: Entry): number {
    const ranking = this.ranking!;
    let low = 0;
    let high = ranking.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (byRank(ranking[middle]!, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
