import { Injectable } from '@nestjs/common';
import { ModelCatalogService, ModelRoute } from '../catalog/model-catalog.service';
import { KeyCacheService, KeyHeaders } from '../key-auth/key-cache.service';
import { GatewayError } from '../proxy/gateway-error';

/** `GET /v1/models` and `GET /v1/models/{id}`: only the models the caller may use, in OpenAI's shapes. */
@Injectable()
export class ModelListService {
  constructor(
    private readonly keys: KeyCacheService,
    private readonly catalog: ModelCatalogService,
  ) {}

  async listFor(headers: KeyHeaders) {
    const principal = await this.keys.authenticate(headers);
    const data = this.catalog
      .all()
      .filter((route) => !principal.allowedModels || principal.allowedModels.has(route.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(toModelObject);
    return { object: 'list' as const, data };
  }

  /** One model by its name or an alias; 404 `model_not_found` when unknown or not allowed (no probing). */
  async oneFor(headers: KeyHeaders, id: string) {
    const principal = await this.keys.authenticate(headers);
    const route = this.catalog.route(id);
    if (!route || (principal.allowedModels && !principal.allowedModels.has(route.name))) {
      throw new GatewayError(404, 'model_not_found', `The model \`${id}\` does not exist.`, 'model');
    }
    return { ...toModelObject(route), id };
  }
}

function toModelObject(route: ModelRoute) {
  return { id: route.name, object: 'model' as const, created: route.createdAt, owned_by: route.providerKind };
}
