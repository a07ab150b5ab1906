/**
 * The Battery Status API exists in windows only (Chromium), yet work runs in workers and the
 * service worker: a window writes its reading to the work database, every context reads it.
 */
export interface BatteryReading {
  level: number;
  charging: boolean;
  /** When the window took the reading (ms since the epoch). */
  at: number;
}

export const BATTERY_KEY = 'battery';

/** An older reading says nothing about now: the constraint then counts as met. */
export const BATTERY_READING_TTL_MS = 15 * 60_000;

export function isBatteryReading(value: unknown): value is BatteryReading {
  const v = value as Partial<BatteryReading> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.level === 'number' &&
    typeof v.charging === 'boolean' &&
    typeof v.at === 'number'
  );
}
