import { describe, expect, it } from 'vitest';
import { jsonBody, MAX_BODY_BYTES } from '../../src/server/requests.js';

/** A JSON request whose body streams without a length (chunked), counting what was read of it. */
function streamedRequest(chunks: () => Uint8Array | undefined): { request: Request; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks();
      if (chunk === undefined) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const request = new Request('http://127.0.0.1/api/count', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half',
  } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('the server reads a JSON body', () => {
  it('refuses a body without a length as soon as it passes the limit, not after holding it whole', async () => {
    const megabyte = new Uint8Array(1024 * 1024).fill(0x20);
    // Without an end: a reader that waits for the whole body never answers.
    const { request, pulled } = streamedRequest(() => megabyte);
    await expect(jsonBody(request)).rejects.toMatchObject({ code: 'too-large', status: 413 });
    expect(pulled()).toBeLessThan(MAX_BODY_BYTES + 4 * megabyte.byteLength);
  });

  it('reads a streamed body under the limit, multi-byte characters split across chunks included', async () => {
    const bytes = Buffer.from(JSON.stringify({ name: '休眠顧客'.repeat(1000) }));
    let at = 0;
    const { request } = streamedRequest(() => (at >= bytes.length ? undefined : bytes.subarray(at, (at += 7))));
    expect(await jsonBody(request)).toEqual({ name: '休眠顧客'.repeat(1000) });
  });

  it('reads a body that starts with a byte order mark, as a browser\'s text() does', async () => {
    let sent = false;
    const { request } = streamedRequest(() => (sent ? undefined : ((sent = true), new Uint8Array(Buffer.from('\ufeff{"a":1}')))));
    expect(await jsonBody(request)).toEqual({ a: 1 });
  });
});
