import { tablesByCliName } from '../catalog/tables.js';
import type { TableName } from './types.js';

/** The tables an import can fill, by the names commands use (`mail-events`). */
export const tableNames = Object.keys(tablesByCliName) as TableName[];
