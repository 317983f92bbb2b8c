import type { AccountStatus } from '@app/core';
import type { ProviderCredentials } from '@app/providers';

/** One upstream account as the catalog holds it: decrypted credentials stay in this process. */
export interface UpstreamAccount {
  id: string;
  providerId: string;
  name: string;
  weight: number;
  /** Accounts of one provider sharing a provider-side limit. */
  limitGroup: string | null;
  credentials: ProviderCredentials;
  /** Changes whenever the credentials are edited (it is their ciphertext's digest). */
  credentialsVersion: string;
  /** The status as last persisted (by any replica, or by the admin API on a URL change). */
  storedStatus: AccountStatus;
}
