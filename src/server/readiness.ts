export interface ReadinessCheck {
  ready: boolean;
  /** Why not ready, for /readyz and the logs. */
  reason?: string;
}

/** Named readiness conditions; the pod is ready only when all of them are. */
export class Readiness {
  private readonly checks = new Map<string, () => ReadinessCheck>();

  add(name: string, check: () => ReadinessCheck): void {
    this.checks.set(name, check);
  }

  status(): { ready: boolean; checks: Record<string, ReadinessCheck> } {
    const checks: Record<string, ReadinessCheck> = {};
    let ready = true;
    for (const [name, check] of this.checks) {
      checks[name] = check();
      ready &&= checks[name].ready;
    }
    return { ready, checks };
  }
}
