/**
 * @module The dashboard's access check. Without a token (the default, bound to 127.0.0.1) every request is served;
 * with one, every request, the event stream included, must carry it: as `?token=` once (answered with a cookie and a
 * redirect to the same URL without it, so it leaves the address bar and history), then the cookie, or as an
 * `Authorization: Bearer` header for scripts. Anything else is 401.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** The cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = 'truebatch_dashboard';

/** Compares in constant time (hashes first, so the lengths match too). */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Checks `token` on every request; without a token configured, lets everything through. */
export function requireToken(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) return next();
    const url = new URL(c.req.url);
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null) {
      if (!sameToken(fromQuery, token)) return c.text('wrong or missing token', 401);
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const header = c.req.header('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : getCookie(c, TOKEN_COOKIE);
    if (given === undefined || !sameToken(given, token)) return c.text('wrong or missing token', 401);
    return next();
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Serves only requests whose Host header names a loopback address: a web page the user visits cannot reach a
 * token-less dashboard through a DNS name it rebinds to 127.0.0.1.
 */
export function requireLocalHost(): MiddlewareHandler {
  return async (c, next) => {
    // The node server builds the request's URL from its Host header.
    if (!LOOPBACK_HOSTS.has(new URL(c.req.url).hostname)) return c.text('this dashboard answers only on a loopback address', 403);
    return next();
  };
}
