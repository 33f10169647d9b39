import { message } from './i18n.js';

/** A fault of the server's JSON API: the status, the code, and a definition's faults with their paths. */
export interface Fault {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly faults: readonly Fault[] = []) {
    super(message);
  }
}

/** The code of the ApiError a request that never reached the server (or lost it) rejects with. */
export const UNREACHABLE = 'unreachable';

/**
 * A network failure as the page says it: the browser's own error (`TypeError: Failed to fetch`)
 * is no input error and means nothing to a marketer. In the page's language (app.tsx sets it on
 * <html>), for every place that shows an error's message (save, download, breakdown, …).
 */
export function unreachable(): ApiError {
  return new ApiError(0, UNREACHABLE, message(document.documentElement.lang === 'en' ? 'en' : 'ja', 'serverUnreachable'));
}

/** Runs a request to the server: an abort rejects with the AbortError, a network failure with `unreachable()`. */
export async function reaching<T>(signal: AbortSignal | undefined, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (signal?.aborted || error instanceof ApiError) throw error;
    throw unreachable();
  }
}

/**
 * Calls the server. Every request carries the header the server's cross-site check asks for;
 * bodies are JSON, never SQL. An aborted request rejects with the AbortError; one that cannot
 * reach the server (stopped, the network down) with an ApiError coded `unreachable`.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const [response, text] = await reaching(init.signal, async () => {
    const answer = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'X-Kumiwake': '1', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      credentials: 'same-origin',
    });
    return [answer, await answer.text()] as const;
  });
  const data = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = data?.error ?? { code: 'http', message: `HTTP ${response.status}` };
    throw new ApiError(response.status, error.code, error.message, error.faults ?? []);
  }
  return data as T;
}

export interface CountAnswer {
  readonly count: number;
  readonly reachable: { readonly email: number; readonly line: number; readonly dm: number };
  readonly asOf: string;
  readonly elapsedMs: number;
  readonly warnings: ReadonlyArray<{ code: string; path: string; message: string; suggestions: readonly string[] }>;
  /** every node of the tree, when asked with `conditions: true` */
  readonly conditions?: readonly ConditionCount[];
}

/** One node of the tree counted (Workspace.conditionCounts). */
export interface ConditionCount {
  readonly path: string;
  readonly depth: number;
  readonly kind: string;
  readonly description: string;
  /** customers the node alone holds for */
  readonly alone: number;
  /** inside an AND: customers its group's children up to this one all hold for; else null */
  readonly cumulative: number | null;
}

export interface SavedSegment {
  readonly name: string;
  readonly definition: unknown;
  readonly version?: number;
  readonly savedAt?: string;
  readonly description?: string;
}

export interface Catalog {
  readonly fields: ReadonlyArray<{ name: string; label: string; type: string; choices?: ReadonlyArray<{ value: string; label: string }> }>;
  readonly attributes: readonly string[];
  readonly orderGroups: readonly string[];
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly memberColumns: ReadonlyArray<{ name: string; label: string }>;
}

export interface SchemaAnswer {
  readonly catalog: Catalog;
  readonly tz: string;
  readonly today: string;
}

export interface Mail {
  readonly mailId: string;
  readonly subject: string | null;
  readonly sentAt: string | null;
  readonly kind: string | null;
  readonly storeId: string | null;
}
