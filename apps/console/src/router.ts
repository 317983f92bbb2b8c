import { useEffect, useState } from 'react';

/**
 * Hash routing: `#/usage?range=7d&groupBy=model`. The whole view is in the address, so a link can
 * be shared and the back button returns to the previous view; the server only ever serves `/`.
 */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?', 2);
  return { path: path || '/', params: new URLSearchParams(search) };
}

export function href(path: string, params: Record<string, string | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, params: Record<string, string | undefined | null> = {}): void {
  window.location.hash = href(path, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** Reads and writes one view's parameters in the address (each change is a history entry). */
export function useViewParams(route: Route): [URLSearchParams, (changes: Record<string, string | undefined | null>) => void] {
  const set = (changes: Record<string, string | undefined | null>) => {
    const next: Record<string, string | undefined | null> = Object.fromEntries(route.params.entries());
    Object.assign(next, changes);
    navigate(route.path, next);
  };
  return [route.params, set];
}
