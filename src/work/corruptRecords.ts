import { isWorkRecord, type WorkRecord } from './record';

/** A stored record the library cannot read (an older or damaged write): skipped, and reported. */
export interface CorruptRecord {
  /** The record's id when it has a string one, else a short description of the value. */
  key: string;
}

const reported = new Map<string, CorruptRecord>();

function keyOf(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id === 'string') return id;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * The guard every read goes through: a record that is not a WorkRecord is left out, so the
 * scheduler and observers carry on, and it is reported once per context (console and
 * `corruptRecords()`), so that a person or the inspector can see what was skipped.
 */
export function readable(value: unknown): value is WorkRecord {
  if (isWorkRecord(value)) return true;
  if (value === undefined) return false;
  const key = keyOf(value);
  if (!reported.has(key)) {
    reported.set(key, { key });
    console.warn(`work: skipped a stored work record that cannot be read (${key})`);
  }
  return false;
}

/** The unreadable records this context has met so far. */
export function corruptRecords(): CorruptRecord[] {
  return [...reported.values()];
}
