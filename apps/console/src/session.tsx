import { createContext, DependencyList, useCallback, useContext, useEffect, useState } from 'react';
import type { ConsoleConfig, Me } from './types';

export interface Session {
  me: Me;
  config: ConsoleConfig;
  can: (permission: string) => boolean;
  signOut: () => void;
  refreshToken: (token: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

/** Loads data for a view; `reload` fetches again (after a change). Stale answers are ignored. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
