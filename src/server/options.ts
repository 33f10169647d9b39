import { KumiwakeError } from '../index.js';

/** How `kumiwake serve` listens, and who may use it. */
export interface ServeOptions {
  /** the address to bind (default 127.0.0.1) */
  readonly host: string;
  /** the TCP port (default 8787; 0 picks a free one) */
  readonly port: number;
  /** the access token; required for any host but a loopback address */
  readonly token?: string;
  /** the built page (dist/web); default: beside the server's own files */
  readonly webRoot?: string;
  /** the folder of job files the page schedules into (default jobs) and the one their outputs stay inside */
  readonly jobsDir?: string;
  readonly outputRoot?: string;
  /** run the jobs folder's scheduler inside the server (`--schedule`) */
  readonly schedule?: boolean;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Addresses that listen on every interface: any name may reach them. */
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

export const isLoopback = (host: string): boolean => LOOPBACK.has(host.toLowerCase());
export const isWildcard = (host: string): boolean => WILDCARD.has(host);

/**
 * Refuses what would expose the shop's customers: a host other than loopback without a token, a
 * token too short to resist guessing, a port out of range.
 */
export function checkServeOptions(options: ServeOptions): ServeOptions {
  const { host, port, token } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new KumiwakeError('bad-argument', `--port ${port} is not a TCP port (0 to 65535)`);
  if (host.trim() === '') throw new KumiwakeError('bad-argument', '--host must name an address (default 127.0.0.1)');
  if (token !== undefined && token.length < 16) {
    throw new KumiwakeError('bad-argument', 'the access token (--token or KUMIWAKE_TOKEN) must be at least 16 characters long');
  }
  if (!isLoopback(host) && token === undefined) {
    throw new KumiwakeError(
      'token-required',
      `--host ${host} lets other machines reach the customer data: give an access token with --token or KUMIWAKE_TOKEN (at least 16 characters), or keep the default --host 127.0.0.1`,
    );
  }
  return options;
}

/** The names a browser may put in the Host header for this server (DNS-rebinding defence); undefined: any. */
export function allowedHostNames(host: string): Set<string> | undefined {
  if (isWildcard(host)) return undefined;
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  names.add(host.toLowerCase().includes(':') && !host.startsWith('[') ? `[${host.toLowerCase()}]` : host.toLowerCase());
  return names;
}

/** The URL to print: a wildcard address is shown as the loopback name a local browser can open. */
export function displayUrl(host: string, port: number): string {
  const shown = isWildcard(host) ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}
