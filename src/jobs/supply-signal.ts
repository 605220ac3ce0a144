/** Tells listeners, after commit, which skus had their supply changed (on-hand, adjustments, schedules, freed stock). */
export class SupplySignal {
  private readonly listeners = new Set<(skus: readonly string[]) => void>();

  readonly emit = (skus: readonly string[]): void => {
    for (const listener of this.listeners) listener(skus);
  };

  subscribe(listener: (skus: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
