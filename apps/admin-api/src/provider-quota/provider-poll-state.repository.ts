import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Each provider's next polling turn (DESIGN §6). A claim is one UPDATE that only one replica can
 * win per period; "poll now" is the same claim without the time check.
 */
@Injectable()
export class ProviderPollStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Enabled providers whose turn has come (every provider gets a state row, due at once). */
  async dueProviderIds(): Promise<string[]> {
    await this.dataSource.query(`INSERT INTO provider_poll_state (provider_id) SELECT id FROM providers ON CONFLICT (provider_id) DO NOTHING`);
    const rows: Array<{ provider_id: string }> = await this.dataSource.query(
      `SELECT s.provider_id FROM provider_poll_state s JOIN providers p ON p.id = s.provider_id WHERE p.enabled AND s.next_at <= now() ORDER BY s.next_at`,
    );
    return rows.map((row) => row.provider_id);
  }

  /** Takes the provider's turn if it is due; true for the one caller that got it. */
  async claimDue(providerId: string, periodSeconds: number, claimant: string): Promise<boolean> {
    // (wrapped in a SELECT: for a bare UPDATE the driver answers [rows, count], never empty)
    const rows: unknown[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE provider_poll_state SET next_at = now() + make_interval(secs => $2), claimed_at = now(), claimed_by = $3
         WHERE provider_id = $1 AND next_at <= now() RETURNING provider_id
       ) SELECT provider_id FROM claimed`,
      [providerId, periodSeconds, claimant],
    );
    return rows.length > 0;
  }

  /** Takes the provider's turn whenever it is due (a manual "poll now"); the next scheduled turn is a period away. */
  async claimNow(providerId: string, periodSeconds: number, claimant: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO provider_poll_state (provider_id, next_at, claimed_at, claimed_by) VALUES ($1, now() + make_interval(secs => $2), now(), $3)
       ON CONFLICT (provider_id) DO UPDATE SET next_at = EXCLUDED.next_at, claimed_at = EXCLUDED.claimed_at, claimed_by = EXCLUDED.claimed_by`,
      [providerId, periodSeconds, claimant],
    );
  }

  /** A 429 asked us to wait: the next turn comes no sooner than that. */
  async deferUntilAtLeast(providerId: string, seconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE provider_poll_state SET next_at = greatest(next_at, now() + make_interval(secs => $2)) WHERE provider_id = $1`, [
      providerId,
      seconds,
    ]);
  }
}
