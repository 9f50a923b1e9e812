import { type ValueTransformer } from 'typeorm';

/** A string array in one column: scopes and redirect URIs are few and always read whole, so a JSON array beats a join table. */
export const jsonArray: ValueTransformer = {
  to: (value: string[]) => JSON.stringify(value),
  from: (value: string) => JSON.parse(value) as string[],
};

/** The same for an array of small records (an API's scopes with their descriptions). */
export function jsonArrayOf<T>(): ValueTransformer {
  return {
    to: (value: T[]) => JSON.stringify(value),
    from: (value: string) => JSON.parse(value) as T[],
  };
}

/** A small record, or null, in one column. */
export const jsonValue: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? value : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
};
