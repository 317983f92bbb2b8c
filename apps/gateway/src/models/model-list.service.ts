import { Inject, Injectable } from '@nestjs/common';
import { ModelCatalogService } from '../catalog/model-catalog.service';
import { KeyCacheService } from '../key-auth/key-cache.service';

/** `GET /v1/models`: only the models the caller may use, in OpenAI's list shape. */
@Injectable()
export class ModelListService {
  constructor(
    @Inject(KeyCacheService) private readonly keys: KeyCacheService,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
  ) {}

  async listFor(authorization: string | undefined) {
    const principal = await this.keys.authenticate(authorization);
    const data = this.catalog
      .all()
      .filter((route) => !principal.allowedModels || principal.allowedModels.has(route.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((route) => ({ id: route.name, object: 'model' as const, created: route.createdAt, owned_by: route.providerKind }));
    return { object: 'list' as const, data };
  }
}
