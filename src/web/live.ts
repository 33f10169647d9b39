import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, UNREACHABLE } from './api.js';

export interface Live<T> {
  readonly data?: T;
  readonly error?: ApiError;
  /** a newer question is on its way: what is shown is for an older one */
  readonly pending: boolean;
}

/**
 * Asks the server again each time `key` changes, after `delayMs` of quiet. The request for an
 * older key is aborted, and an answer that still arrives for it is dropped: only the answer to
 * the latest question is ever shown. While the server cannot be reached the same question is
 * asked again every `retryMs`, so the answer comes back with the server, without an edit.
 */
export function useLive<T>(key: string | undefined, ask: (signal: AbortSignal) => Promise<T>, delayMs = 150, retryMs = 2000): Live<T> {
  const [state, setState] = useState<Live<T> & { answered?: string }>({ pending: key !== undefined });
  const latest = useRef(0);
  useEffect(() => {
    const question = ++latest.current;
    if (key === undefined) return undefined;
    setState((s) => ({ ...s, pending: true }));
    const controller = new AbortController();
    const attempt = () => {
      ask(controller.signal).then(
        (data) => { if (question === latest.current) setState({ data, pending: false, answered: key }); },
        (error: unknown) => {
          if (question !== latest.current || controller.signal.aborted) return;
          const fault = error instanceof ApiError ? error : new ApiError(0, 'network', String(error));
          setState({ error: fault, pending: false, answered: key });
          if (fault.code === UNREACHABLE) timer = setTimeout(attempt, retryMs);
        },
      );
    };
    let timer = setTimeout(attempt, delayMs);
    return () => { clearTimeout(timer); controller.abort(); };
  }, [key]);
  // The render that follows a new key comes before the effect marks it pending: an answer to
  // another key is already stale there.
  return { data: state.data, error: state.error, pending: state.pending || (key !== undefined && state.answered !== key) };
}
