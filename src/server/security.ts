import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { allowedHostNames } from './options.js';

export const SESSION_COOKIE = 'kumiwake_session';
/** The header every state-changing request of the page carries: a cross-site form cannot send it, and a cross-site fetch with it needs a CORS preflight this server never grants. */
export const CSRF_HEADER = 'x-kumiwake';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Reachable without the token: the login page itself. */
const PUBLIC_PATHS = new Set(['/login', '/login.css']);

/** What the cookie holds: derived from the token, so the token itself never sits in a browser's cookie store. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('kumiwake web session').digest('hex');
}

/** One cookie of a Cookie header (the session value is hex: no decoding needed). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(c: Context, status: 401 | 403, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** Headers that keep the page from being framed, sniffed or fed scripts from elsewhere. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the login form's POST.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
};

/**
 * DNS rebinding: a page of another site whose name is pointed at 127.0.0.1 reaches this server
 * with its own name in Host. Only the bound host and the loopback names are answered (any name
 * when bound to every interface, where the token is required).
 */
export function hostCheck(bound: string): MiddlewareHandler {
  const allowed = allowedHostNames(bound);
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
    if (allowed !== undefined && !allowed.has(name)) return refuse(c, 403, 'bad-host', `this server does not answer for the host name "${host}"`);
    return next();
  };
}

/**
 * Cross-site requests: a state-changing request must come from this server's own page: no
 * other origin in `Origin`, `Sec-Fetch-Site` same-origin when the browser sends it, and the
 * custom header (the login form, which cannot set it, is checked by origin only).
 */
export const crossSiteCheck: MiddlewareHandler = async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next();
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return refuse(c, 403, 'cross-site', `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`);
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== `http://${c.req.header('host') ?? ''}`) return refuse(c, 403, 'cross-site', `cross-site request refused (Origin: ${origin})`);
  if (c.req.path !== '/login' && c.req.header(CSRF_HEADER) !== '1') {
    return refuse(c, 403, 'cross-site', `a state-changing request needs the header ${CSRF_HEADER}: 1 (sent by the builder page)`);
  }
  return next();
};

/** With a token: `Authorization: Bearer TOKEN`, or the cookie the login page sets. */
export function tokenCheck(token: string | undefined): MiddlewareHandler {
  const session = token === undefined ? undefined : sessionValue(token);
  return async (c, next) => {
    if (token === undefined || PUBLIC_PATHS.has(c.req.path)) return next();
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
    if ((bearer !== undefined && sameText(bearer, token)) || (cookie !== undefined && sameText(cookie, session!))) return next();
    if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) return c.redirect('/login', 303);
    return refuse(c, 401, 'unauthorized', 'this server needs its access token: Authorization: Bearer TOKEN, or sign in at /login');
  };
}
