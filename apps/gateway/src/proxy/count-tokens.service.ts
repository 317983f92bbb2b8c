import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { anthropicErrorBody, apiModeFor, dialectFor, DialectRequestError } from '@app/providers';
import { loadTokenCounter } from '@app/usage';
import { ModelCatalogService } from '../catalog/model-catalog.service';
import { KeyCacheService } from '../key-auth/key-cache.service';
import { GatewayError } from './gateway-error';
import { toGatewayError } from './gateway-error-mapper';
import { relayedHeaders } from './relayed-headers';
import { parseJsonObject, readRawBody, serialiseBody } from './request-body';
import { UpstreamPoolsService } from './upstream-pools.service';
import { UpstreamDispatcher } from '../upstream/upstream-dispatcher';

const messages = dialectFor('messages');
/** Provider refusals that are about the request itself, so the client's to see; any other failure gets the local estimate. */
const CLIENT_FAULTS = new Set([400, 413, 422]);

/**
 * `POST /v1/messages/count_tokens`: the provider's own count where its native Messages endpoint
 * has one, else a local estimate — also when the provider cannot count now (rate-limited, down,
 * refusing the account's credentials, not serving the route): coding agents call this before
 * every turn, and an advisory count is no reason to fail one. Free: no quota reservation, no
 * usage event, not a request against `maxRequests`. Authenticated and allow-listed like every
 * model call.
 */
@Injectable()
export class CountTokensService {
  constructor(
    @Inject(KeyCacheService) private readonly keys: KeyCacheService,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(UpstreamPoolsService) private readonly pools: UpstreamPoolsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(UpstreamDispatcher) private readonly upstream: UpstreamDispatcher,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      const principal = await this.keys.authenticate(req.headers);
      const body = parseJsonObject(await readRawBody(req, this.config.maxBodyBytes));
      const countTextTokens = await loadTokenCounter();
      let estimate: number;
      try {
        // count_tokens takes no max_tokens; the dialect's check is for /v1/messages.
        estimate = messages.parse({ ...body, max_tokens: 1, stream: false }, countTextTokens).promptTokens;
      } catch (error) {
        if (error instanceof DialectRequestError) throw new GatewayError(400, 'invalid_request', error.message, error.param);
        throw error;
      }
      const route = this.catalog.route(body.model as string);
      if (!route || (principal.allowedModels && !principal.allowedModels.has(route.name))) {
        throw new GatewayError(404, 'model_not_found', `The model \`${String(body.model)}\` does not exist.`, 'model');
      }
      const account = this.upstream.account(route); // none available: the local estimate
      const native = apiModeFor(route.adapter, route.baseUrl, 'messages', route.providerOptions, route.modelOptions) === 'native';
      const target = native ? route.adapter.target(route.baseUrl, 'messages') : null;
      if (account && target) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...route.adapter.authHeaders(account.credentials, 'messages') };
        for (const name of messages.forwardedHeaders) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
        const upstream = await this.pools
          .pool(target.origin)
          .request({ method: 'POST', path: `${target.path}/count_tokens`, headers, body: serialiseBody({ ...body, model: route.upstreamModel }) })
          .catch(() => null);
        if (upstream && (upstream.statusCode < 300 || CLIENT_FAULTS.has(upstream.statusCode))) {
          const payload = Buffer.from(await upstream.body.arrayBuffer());
          res.writeHead(upstream.statusCode, { ...relayedHeaders(upstream.headers), 'content-type': 'application/json' });
          res.end(payload);
          return;
        }
        // 404/405: the provider has no count_tokens there, which is no news worth a log line.
        if (upstream && upstream.statusCode !== 404 && upstream.statusCode !== 405) {
          this.logger.warn({ providerId: route.providerId, status: upstream.statusCode }, 'provider could not count tokens; answered with the local estimate');
        }
        await upstream?.body.dump();
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-tollgate-estimated': 'true' });
      res.end(JSON.stringify({ input_tokens: estimate }));
    } catch (error) {
      const failure = toGatewayError(error, requestId, this.logger);
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(anthropicErrorBody(failure));
    }
  }
}
