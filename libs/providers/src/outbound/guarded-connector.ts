import { lookup as dnsLookup, LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { isForbiddenAddress, isForbiddenHost, OutboundAddressRefusedError } from './outbound-address';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Resolver = typeof dnsLookup;

/** `guardedLookup` over a given resolver (tests resolve names to addresses of their choosing). */
export function guardLookup(resolve: Resolver): LookupFunction {
  const lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      if (list.some((entry) => isForbiddenAddress(entry.address))) return callback(new OutboundAddressRefusedError(hostname), '');
      if ((options as LookupAllOptions).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      return callback(null, first.address, first.family);
    });
  };
  return lookup as unknown as LookupFunction;
}

/**
 * A DNS lookup for `net.connect` that refuses forbidden addresses after resolution, so a name
 * that resolves (or is rebound) to a metadata address is refused at connect time.
 */
export const guardedLookup: LookupFunction = guardLookup(dnsLookup);

/**
 * An undici `connect` function: host literals and metadata names are refused before connecting,
 * names are resolved through `guardedLookup`. Used by the pollers' agent and the gateway's pools.
 */
export function guardedConnector(options: buildConnector.BuildOptions & { resolve?: Resolver } = {}): buildConnector.connector {
  const { resolve, ...connectOptions } = options;
  const connect = buildConnector({ ...connectOptions, lookup: resolve ? guardLookup(resolve) : guardedLookup } as buildConnector.BuildOptions);
  return (opts, callback) => {
    if (isForbiddenHost(opts.hostname)) {
      callback(new OutboundAddressRefusedError(opts.hostname), null);
      return;
    }
    connect(opts, callback);
  };
}
