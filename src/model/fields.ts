import { customers, type ColumnDef } from '../catalog/tables.js';

/** A customer field a `field` condition can test. */
export interface FieldInfo {
  readonly name: string;
  /** 'attr' for custom attribute groups (`attr:NAME`) */
  readonly type: ColumnDef['type'] | 'attr';
  readonly column?: ColumnDef;
  readonly attribute?: string;
}

export function lookupField(name: string): FieldInfo | undefined {
  if (name.startsWith('attr:')) {
    const attribute = name.slice(5);
    return attribute.trim() === '' ? undefined : { name, type: 'attr', attribute };
  }
  const column = customers.columns.find((c) => c.name === name);
  return column ? { name, type: column.type, column } : undefined;
}

export const fieldNames = (): string[] => customers.columns.map((c) => c.name);

/** Canonical value of an enum field for a spelling (`女性` → `female`), or undefined. */
export function canonicalEnumValue(column: ColumnDef, value: string): string | undefined {
  const key = value.normalize('NFKC').trim().toLowerCase();
  const spellings = column.values ?? {};
  // Own spellings only: `constructor` or `__proto__` must not find what every object inherits.
  return Object.hasOwn(spellings, key) ? spellings[key] : Object.values(spellings).find((v) => v === key);
}
