import { ApiError, reaching } from './api.js';

export interface DownloadProgress {
  /** bytes received */
  readonly received: number;
  /** the file's size (Content-Length), when the server said it */
  readonly total?: number;
}

/**
 * Asks the server for a file (a POST, with the header its cross-site check wants), reads it as it
 * streams in (reporting the bytes against its Content-Length) and hands it to the browser as a
 * download. A refusal before the first byte is the server's JSON error, thrown as an ApiError.
 */
export async function download(path: string, body: unknown, fileName: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<{ rows: number }> {
  const response = await reaching(signal, () => fetch(path, {
    method: 'POST',
    headers: { 'X-Kumiwake': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  }));
  if (!response.ok) {
    const data = await response.json().catch(() => undefined);
    const error = data?.error ?? { code: 'http', message: `HTTP ${response.status}` };
    throw new ApiError(response.status, error.code, error.message, error.faults ?? []);
  }
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reaching(signal, () => reader.read());
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress({ received, total });
  }
  const blob = new Blob(chunks as BlobPart[], { type: response.headers.get('Content-Type') ?? 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { rows: Number(response.headers.get('X-Kumiwake-Rows') ?? 0) };
}
