import type { Data, DataScalar, DataValue } from './types';
import { WorkError } from './WorkError';

/** WorkManager's Data limit (Data.MAX_DATA_BYTES), measured here as UTF-8 JSON. */
export const MAX_DATA_BYTES = 10 * 1024;

function isScalar(value: unknown): value is DataScalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  return typeof value === 'number' && Number.isFinite(value);
}

function isDataValue(value: unknown): value is DataValue {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

/** True for a plain object whose values are all Data values. */
export function isData(value: unknown): value is Data {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every(isDataValue);
}

/** Checks and copies Data: it is frozen so that a request cannot change after it is checked. */
export function checkData(value: unknown, what = 'data'): Data {
  if (value === undefined) return {};
  if (!isData(value)) throw new WorkError('invalid-data', what);
  const json = JSON.stringify(value);
  const bytes = new TextEncoder().encode(json).byteLength;
  if (bytes > MAX_DATA_BYTES) throw new WorkError('data-too-large', `${what} is ${bytes} bytes`);
  return Object.freeze(JSON.parse(json) as Data);
}

/** OverwritingInputMerger: later maps win a conflict. */
export function mergeOverwriting(inputs: readonly Data[]): Data {
  return inputs.reduce<Data>((merged, input) => ({ ...merged, ...input }), {});
}

function kindOf(value: DataValue): string | null {
  const first: DataScalar | undefined = isScalar(value) ? value : value.find((v) => v !== null);
  return first === undefined || first === null ? null : typeof first;
}

/**
 * ArrayCreatingInputMerger: every key becomes an array; scalars are collected, arrays
 * concatenated. Values of different types under one key are an error, as on Android.
 */
export function mergeArrayCreating(inputs: readonly Data[]): Data {
  const merged: Record<string, DataScalar[]> = {};
  const kinds: Record<string, string | null> = {};
  for (const input of inputs) {
    for (const [key, value] of Object.entries(input)) {
      const kind = kindOf(value);
      const seen = kinds[key] ?? null;
      if (seen !== null && kind !== null && seen !== kind) {
        throw new WorkError('merge-failed', `key "${key}" mixes ${seen} and ${kind}`);
      }
      kinds[key] = seen ?? kind;
      const list = (merged[key] ??= []);
      if (Array.isArray(value)) list.push(...(value as DataScalar[]));
      else list.push(value as DataScalar);
    }
  }
  return merged;
}
