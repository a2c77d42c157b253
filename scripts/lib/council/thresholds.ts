// How many approvals each tier needs: the defaults for N seats, and the rules every configuration must follow.
// No single seat acts alone on any tier once the council has two seats: every threshold is at least min(2, seats).

export interface Thresholds {
  fast: number;
  standard: number;
  critical: number;
  veto: number;
}

/** The lowest threshold any tier may have with `seats` seats: min(2, seats). */
export function minThreshold(seats: number): number {
  return Math.min(2, seats);
}

/**
 * The default thresholds for `n` seats: Standard ⌊n/2⌋+1, Critical max(⌈2n/3⌉, Standard), Fast max(min(2, n),
 * Standard − 1), veto max(1, ⌈n/3⌉). 3 seats: 2 / 2 / 2, veto 1; 5 seats: 2 / 3 / 4, veto 2; 9 seats: 4 / 5 / 6, veto 3.
 */
export function defaultThresholds(n: number): Thresholds {
  const standard = Math.floor(n / 2) + 1;
  const critical = Math.max(Math.ceil((2 * n) / 3), standard);
  const fast = Math.max(minThreshold(n), standard - 1);
  return { fast, standard, critical, veto: Math.max(1, Math.ceil(n / 3)) };
}

/**
 * Why thresholds break the rules for `seats` seats (null when they do not):
 * min(2, seats) ≤ fast ≤ standard ≤ critical ≤ seats and 1 ≤ veto ≤ seats.
 */
export function thresholdsViolation(t: Thresholds, seats: number): string | null {
  const floor = minThreshold(seats);
  if (!(floor <= t.fast && t.fast <= t.standard && t.standard <= t.critical && t.critical <= seats)) {
    return `thresholds Fast ${t.fast}, Standard ${t.standard}, Critical ${t.critical} with ${seats} seats break min(2, seats) = ${floor} ≤ Fast ≤ Standard ≤ Critical ≤ seats`;
  }
  if (t.veto < 1 || t.veto > seats) return `veto threshold ${t.veto} is outside 1..${seats} (the seats)`;
  return null;
}

/** The threshold the council applies: the stored one, never below min(2, live seats). */
export function effectiveThreshold(stored: number, liveSeats: number): number {
  return Math.max(stored, minThreshold(liveSeats));
}
