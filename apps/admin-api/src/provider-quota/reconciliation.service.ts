import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { invalid } from '../common/errors';
import { ProviderPollingService } from './provider-polling.service';

/** Tollgate's metered requests and tokens for a provider beside the provider's own figures. */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly polling: ProviderPollingService,
  ) {}

  async reconcile(providerId: string, fromText: string, toText: string) {
    const zone = this.config.timezone;
    const parse = (text: string, field: string) => {
      const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone }) : DateTime.fromISO(text, { setZone: true });
      if (!value.isValid) throw invalid(`${field} must be a date (YYYY-MM-DD, in APP_TIMEZONE) or an ISO-8601 instant`);
      return value;
    };
    const from = parse(fromText, 'from').toJSDate();
    // a bare date as `to` is inclusive: the whole day
    const to = (/^\d{4}-\d{2}-\d{2}$/.test(toText) ? parse(toText, 'to').plus({ days: 1 }) : parse(toText, 'to')).toJSDate();
    if (to <= from) throw invalid('to must be after from');
    const [metered] = await this.dataSource.query<[{ requests: string; failed: string; prompt: string; completion: string; total: string }]>(
      `SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(failed_requests), 0)::bigint AS failed,
              coalesce(sum(prompt_tokens), 0)::bigint AS prompt, coalesce(sum(completion_tokens), 0)::bigint AS completion,
              coalesce(sum(total_tokens), 0)::bigint AS total
       FROM usage_rollups WHERE provider_id = $1 AND bucket_start >= $2 AND bucket_start < $3`,
      [providerId, from, to],
    );
    const gateway = {
      requests: Number(metered.requests),
      errors: Number(metered.failed),
      promptTokens: Number(metered.prompt),
      completionTokens: Number(metered.completion),
      totalTokens: Number(metered.total),
    };
    const reported = await this.polling.reportedUsage(providerId, from, to);
    const provider = reported.usage
      ? {
          requests: reported.usage.requests,
          errors: reported.usage.errors,
          promptTokens: reported.usage.promptTokens,
          completionTokens: reported.usage.completionTokens,
          totalTokens: reported.usage.totalTokens,
        }
      : null;
    const difference = provider
      ? Object.fromEntries(Object.entries(gateway).map(([key, value]) => [key, value - provider[key as keyof typeof provider]]))
      : null;
    return {
      providerId,
      from: from.toISOString(),
      to: to.toISOString(),
      gateway,
      provider,
      difference,
      providerStatus: reported.status,
      message: reported.message,
    };
  }
}
