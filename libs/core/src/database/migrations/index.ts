import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { ProviderSnapshots1764000000001 } from './1764000000001-provider-snapshots';
import { UsageQuarantine1764200000000 } from './1764200000000-usage-quarantine';
import { AdminSessions1764300000000 } from './1764300000000-admin-sessions';
import { ModelAliasesCacheWrites1764400000000 } from './1764400000000-model-aliases-cache-writes';
import { ProviderAccounts1764600000000 } from './1764600000000-provider-accounts';
import { ModelFallbacks1764600000001 } from './1764600000001-model-fallbacks';
import { ProviderPollState1764700000000 } from './1764700000000-provider-poll-state';
import { AccountSnapshots1764700000001 } from './1764700000001-account-snapshots';

/** Every migration, in order. Listed, not globbed: globs break in bundled monorepo builds. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  ProviderSnapshots1764000000001,
  UsageQuarantine1764200000000,
  AdminSessions1764300000000,
  ModelAliasesCacheWrites1764400000000,
  ProviderAccounts1764600000000,
  ModelFallbacks1764600000001,
  ProviderPollState1764700000000,
  AccountSnapshots1764700000001,
];
