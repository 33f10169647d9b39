import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Catalog, Fault } from './api.js';
import type { Warning } from './warning-texts.js';
import type { Json, Path } from './tree.js';
import { jsonPath } from './tree.js';

/** What every form reads and writes: the one definition, its faults, the catalog. */
export interface Editor {
  readonly definition: Json | undefined;
  /** sets the value at a path (undefined removes it) */
  readonly update: (path: Path, value: Json | undefined) => void;
  /** changes the value at a path with a function of the current one */
  readonly change: (path: Path, f: (current: Json | undefined) => Json | undefined) => void;
  readonly faults: readonly Fault[];
  /** the latest count's warnings (none while a newer edit is counted: an older tree's paths may name other nodes) */
  readonly warnings: readonly Warning[];
  readonly catalog: Catalog | undefined;
  readonly savedNames: readonly string[];
}

export const EditorContext = createContext<Editor | undefined>(undefined);

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('INTERNAL ERROR: a form outside the editor');
  return editor;
}

/** The faults (or warnings) at a path: exactly there, or (`within`) anywhere inside it. */
export function faultsAt<F extends { readonly path: string }>(faults: readonly F[], path: Path, within: boolean): F[] {
  const at = jsonPath(path);
  return faults.filter((f) => f.path === at || (within && (f.path.startsWith(`${at}.`) || f.path.startsWith(`${at}[`))));
}
