import type { Hono } from 'hono';
import { RequestFault } from './faults.js';
import { limitedText } from './requests.js';
import { SESSION_COOKIE, sessionValue } from './security.js';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The login form holds one token: its body is read up to this many bytes, counted as it
 * arrives, before the token is checked (a client without the token cannot make the server hold
 * a body of any size).
 */
export const MAX_LOGIN_BODY_BYTES = 4096;

const page = (failed: boolean) => `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Kumiwake — ログイン</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/login.css"></head>
<body><form method="post" action="/login" class="login">
<h1>Kumiwake</h1>
<label>アクセストークン / Access token <input type="password" name="token" autocomplete="current-password" autofocus required></label>
${failed ? '<p class="fault" role="alert">トークンが違います / Wrong token</p>' : ''}
<button type="submit">ログイン / Sign in</button>
</form></body></html>`;

const LOGIN_CSS = 'body{font-family:sans-serif;display:flex;justify-content:center;margin-top:15vh}.login{display:flex;flex-direction:column;gap:1em;min-width:20em}.fault{color:#b00020}';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A small login page for browsers: the token typed once becomes an HttpOnly, SameSite=Strict cookie. */
export function addLogin(app: Hono, token: string | undefined): void {
  app.get('/login.css', (c) => c.body(LOGIN_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/login', (c) => (token === undefined ? c.redirect('/', 303) : c.html(page(false))));
  app.post('/login', async (c) => {
    if (token === undefined) return c.redirect('/', 303);
    const tooLarge = () => new RequestFault('too-large', `the login form is over ${MAX_LOGIN_BODY_BYTES.toLocaleString('en')} bytes`, 413);
    const body = await limitedText(c.req.raw, MAX_LOGIN_BODY_BYTES, tooLarge);
    // The form's own encoding (application/x-www-form-urlencoded); anything else holds no token.
    const urlEncoded = /^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '');
    const given = (urlEncoded ? new URLSearchParams(body).get('token') : null) ?? '';
    if (!timingSafeEqual(digest(given), digest(token))) return c.html(page(true), 401);
    c.header('Set-Cookie', `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict`);
    return c.redirect('/', 303);
  });
}
