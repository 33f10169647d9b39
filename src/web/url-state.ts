/**
 * The open saved segment in the page's URL (`#segment=NAME`), so that a reload reopens it and
 * back / forward step between the segments opened (audit 41, finding 7). An unsaved definition
 * has no name: its URL has no hash, and a reload starts a new one (the page asks first).
 */
const PREFIX = '#segment=';

/** The saved segment a URL's hash names, if any. */
export function segmentOfHash(hash: string): string | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  try {
    const name = decodeURIComponent(hash.slice(PREFIX.length));
    return name === '' ? undefined : name;
  } catch {
    return undefined; // a hash typed by hand that is no encoding: as no name
  }
}

/** The URL (path, query and hash) that names a saved segment, or none. */
export function urlOfSegment(name: string | undefined, location: { pathname: string; search: string }): string {
  return `${location.pathname}${location.search}${name === undefined ? '' : PREFIX + encodeURIComponent(name)}`;
}

/** Puts the open segment in the URL as a new history entry (back returns to the one before); nothing when it is already there. */
export function showSegmentInUrl(name: string | undefined): void {
  if (segmentOfHash(window.location.hash) === name && (name !== undefined || window.location.hash === '')) return;
  window.history.pushState(null, '', urlOfSegment(name, window.location));
}
