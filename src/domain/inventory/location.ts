export interface Location {
  readonly id: string;
  readonly name: string;
  /** Lower is preferred. */
  readonly priority: number;
  readonly handlingDays: number;
  readonly active: boolean;
}

/** Location order, used everywhere a tie is broken: priority ascending, then id by code point. */
export function compareLocations(a: Pick<Location, 'id' | 'priority'>, b: Pick<Location, 'id' | 'priority'>): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
