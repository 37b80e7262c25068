/**
 * Client routing: the path picks the view, the query string holds its tab and filters, so a view
 * can be shared by its URL. Hand-written: the portal needs only path + search params and
 * push/replace, which the History API gives directly; a router library would add nested-route
 * machinery the portal does not use.
 */
import { useEffect, useState } from 'react';

export interface Location {
  path: string;
  params: URLSearchParams;
}

const read = (): Location => ({
  path: window.location.pathname,
  params: new URLSearchParams(window.location.search),
});

const listeners = new Set<() => void>();

export function navigate(path: string, params?: URLSearchParams, replace = false): void {
  const qs = params?.toString();
  const url = qs ? `${path}?${qs}` : path;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}
