import type { SqlRunner } from '../metering/sql-runner';
import { CommittedUsage, summariseCommitted } from './quota-admission';
import { commitUsageRows } from './quota-lease-store';

/**
 * Inside the metering writer's transaction: committed usage moves from leases to `quota_usage`.
 * A free function (no DataSource, no Nest) so the writer thread runs the very same SQL.
 */
export async function applyCommittedUsage(sql: SqlRunner, committed: CommittedUsage[]): Promise<void> {
  const { usage, moves } = summariseCommitted(committed);
  await commitUsageRows(sql, usage, moves);
}
