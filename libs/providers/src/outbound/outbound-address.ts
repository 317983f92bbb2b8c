import { BlockList, isIP } from 'node:net';

/**
 * Link-local and cloud-metadata addresses a provider URL may never reach (CONTRACT "Operations"):
 * 169.254.0.0/16 (AWS, GCP, Azure, Huawei), 100.100.100.200 (Alibaba Cloud), fe80::/10,
 * fd00:ec2::254 (AWS IPv6), and the metadata host names. Loopback and private LAN ranges stay
 * allowed: companies run models in-house. IPv4-mapped IPv6 forms are matched as IPv4.
 */
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');

const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

/** True for an IP address (v4 or v6, brackets allowed) in a forbidden range. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return FORBIDDEN.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** True for a host (name or address) that is refused before any lookup. */
export function isForbiddenHost(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '');
  return METADATA_HOSTS.has(name) || isForbiddenAddress(name);
}

/** Why a URL may not be used as an outbound target, or null when it may. */
export function outboundUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http(s) URL';
  if (isForbiddenHost(parsed.hostname)) return 'must not point at a link-local or cloud-metadata address';
  return null;
}

/** Raised when a connection would reach a forbidden address (also after DNS resolution). */
export class OutboundAddressRefusedError extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
  constructor(host: string) {
    super(`refused to connect to ${host}: a link-local or cloud-metadata address`);
    this.name = 'OutboundAddressRefusedError';
  }
}
