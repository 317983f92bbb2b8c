import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type Currency = 'CNY' | 'USD';
export const CURRENCIES: Currency[] = ['CNY', 'USD'];

/**
 * Prompt-length price tier (DashScope prices some models by prompt size): applies when the
 * prompt has more than `minPromptTokens` tokens. Prices per 1M tokens, decimal strings.
 */
export interface PriceTier {
  minPromptTokens: number;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice?: string | null;
}

export interface ModelOptions {
  messagesApi?: 'native' | 'translated';
  responsesApi?: 'native' | 'translated';
}

@Entity({ name: 'models' })
export class Model {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The name clients send as `model`. */
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'provider_id', type: 'uuid' }) providerId: string;
  /** The provider's name for it; null means the same as `name`. */
  @Column({ name: 'upstream_model', type: 'text', nullable: true }) upstreamModel: string | null;
  /** Prices per 1M tokens, exact decimals. */
  @Column({ name: 'input_price', type: 'numeric' }) inputPrice: string;
  @Column({ name: 'output_price', type: 'numeric' }) outputPrice: string;
  @Column({ name: 'cached_input_price', type: 'numeric', nullable: true }) cachedInputPrice: string | null;
  /** Price per 1M prompt tokens written to the provider's cache; null: priced as input. */
  @Column({ name: 'cache_write_input_price', type: 'numeric', nullable: true }) cacheWriteInputPrice: string | null;
  @Column({ type: 'text' }) currency: Currency;
  @Column({ name: 'price_tiers', type: 'jsonb', nullable: true }) priceTiers: PriceTier[] | null;
  /** Other names clients may send for this model (e.g. `claude-sonnet-4-5` for Claude Code); metered under `name`. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) aliases: string[];
  /** Per-model gateway options, overriding the provider's: `messagesApi`, `responsesApi` (`native` | `translated`). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) options: ModelOptions;
  /** Models (by name) tried in order, before the first byte, when every account of this model's provider is limited or down. */
  @Column({ type: 'text', array: true, nullable: true }) fallbacks: string[] | null;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
