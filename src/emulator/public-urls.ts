/** @module The emulator's own absolute URLs, as seen by the client: the request's origin plus the base path. */
import type { Context } from 'hono';

/** Where the client reached the emulator, and under which API version. */
export interface PublicUrls {
  /** `http://127.0.0.1:8787` plus any base path, no trailing slash. */
  root: string;
  version: string;
}

/** The public URLs for a request; `version` is the path's version segment (`v1beta`, `v1`…). */
export function publicUrls(c: Context, basePath: string, version: string): PublicUrls {
  return { root: `${new URL(c.req.url).origin}${basePath}`, version };
}

/** Version segments the emulator serves: `v1`, `v1beta`, `v1alpha`, `v2beta3`… */
export function isApiVersion(segment: string): boolean {
  return /^v\d+((alpha|beta)\d*)?$/.test(segment);
}
