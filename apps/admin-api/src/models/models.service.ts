import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Model, Provider } from '@app/core';
import { providerKind } from '@app/providers';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { conflict, invalid, notFound } from '../common/errors';
import { keysetPage, Page } from '../common/page';
import { CreateModelDto, ListModelsQueryDto, ModelDto, ModelOptionsDto, PriceTierDto, UpdateModelDto } from './dto/model.dto';

/**
 * Models and prices (per 1M tokens, exact decimals in NUMERIC). A price change applies to calls
 * from then on: every usage event records the prices it was charged at, so history is never rewritten.
 */
@Injectable()
export class ModelsService {
  constructor(
    @InjectRepository(Model) private readonly models: Repository<Model>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  list(query: ListModelsQueryDto): Promise<Page<ModelDto>> {
    const qb = this.models.createQueryBuilder('m');
    if (query.providerId) qb.where('m.providerId = :providerId', { providerId: query.providerId });
    return keysetPage(qb, query, { sort: 'm.name', id: 'm.id', direction: 'ASC' }, ModelDto.from);
  }

  async get(id: string): Promise<ModelDto> {
    return ModelDto.from(await this.find(id));
  }

  create(caller: Caller, dto: CreateModelDto): Promise<ModelDto> {
    assertTiers(dto.priceTiers);
    return this.dataSource.transaction(async (manager) => {
      await this.assertProvider(manager, dto.providerId);
      await this.assertNameFree(manager, dto.name);
      await assertFallbacks(manager, dto.name, dto.fallbacks);
      await this.assertAliasesFree(manager, dto.name, dto.aliases ?? [], null);
      const repository = manager.getRepository(Model);
      const saved = await repository.save(
        manager.create(Model, {
          name: dto.name,
          providerId: dto.providerId,
          upstreamModel: dto.upstreamModel ?? null,
          inputPrice: dto.inputPrice,
          outputPrice: dto.outputPrice,
          cachedInputPrice: dto.cachedInputPrice ?? null,
          cacheWriteInputPrice: dto.cacheWriteInputPrice ?? null,
          aliases: dto.aliases ?? [],
          options: plainOptions(dto.options),
          currency: dto.currency,
          priceTiers: plainTiers(dto.priceTiers),
          fallbacks: dto.fallbacks?.length ? dto.fallbacks : null,
          enabled: dto.enabled ?? true,
        }),
      );
      const view = ModelDto.from(await repository.findOneByOrFail({ id: saved.id }));
      await this.audit.record(caller, 'model.create', 'model', saved.id, null, view, manager);
      return view;
    });
  }

  update(caller: Caller, id: string, dto: UpdateModelDto): Promise<ModelDto> {
    assertTiers(dto.priceTiers);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Model);
      const model = await this.find(id, repository, true);
      const before = ModelDto.from(model);
      if (dto.providerId !== undefined) await this.assertProvider(manager, dto.providerId);
      if (dto.name !== undefined && dto.name !== model.name) await this.assertNameFree(manager, dto.name);
      if (dto.name !== undefined || dto.aliases !== undefined) await this.assertAliasesFree(manager, dto.name ?? model.name, dto.aliases ?? model.aliases, id);
      if (dto.name !== undefined) model.name = dto.name;
      if (dto.aliases !== undefined) model.aliases = dto.aliases;
      if (dto.options !== undefined) model.options = plainOptions(dto.options);
      if (dto.cacheWriteInputPrice !== undefined) model.cacheWriteInputPrice = dto.cacheWriteInputPrice;
      if (dto.providerId !== undefined) model.providerId = dto.providerId;
      if (dto.upstreamModel !== undefined) model.upstreamModel = dto.upstreamModel;
      if (dto.inputPrice !== undefined) model.inputPrice = dto.inputPrice;
      if (dto.outputPrice !== undefined) model.outputPrice = dto.outputPrice;
      if (dto.cachedInputPrice !== undefined) model.cachedInputPrice = dto.cachedInputPrice;
      if (dto.currency !== undefined) model.currency = dto.currency;
      if (dto.priceTiers !== undefined) model.priceTiers = plainTiers(dto.priceTiers);
      if (dto.fallbacks !== undefined) {
        await assertFallbacks(manager, model.name, dto.fallbacks);
        model.fallbacks = dto.fallbacks?.length ? dto.fallbacks : null;
      }
      if (dto.enabled !== undefined) model.enabled = dto.enabled;
      await repository.save(model);
      const after = ModelDto.from(await repository.findOneByOrFail({ id }));
      await this.audit.record(caller, 'model.update', 'model', id, before, after, manager);
      return after;
    });
  }

  /** Usage events keep the model's name and prices, so deleting a model loses no history. */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.find(id, manager.getRepository(Model), true);
      await manager.getRepository(Model).delete(id);
      await this.audit.record(caller, 'model.delete', 'model', id, ModelDto.from(model), null, manager);
    });
  }

  private async find(id: string, repository = this.models, lock = false): Promise<Model> {
    const qb = repository.createQueryBuilder('m').where('m.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const model = await qb.getOne();
    if (!model) throw notFound('Model', id);
    return model;
  }

  private async assertProvider(manager: EntityManager, providerId: string): Promise<void> {
    const provider = await manager.getRepository(Provider).findOne({ where: { id: providerId }, select: { id: true, kind: true } });
    if (!provider) throw invalid(`providerId: provider ${providerId} does not exist`);
    if (!providerKind(provider.kind).adapter) throw invalid(`providerId: a ${provider.kind} provider is polled, not served: it cannot serve models`);
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    if (await manager.getRepository(Model).exists({ where: { name } })) throw conflict(`name: a model named ${name} already exists`);
  }

  /** A name or alias resolves to one model only: no alias equals another model's name or alias. */
  private async assertAliasesFree(manager: EntityManager, name: string, aliases: string[], selfId: string | null): Promise<void> {
    if (aliases.includes(name)) throw invalid(`aliases: ${name} is the model's own name`);
    if (new Set(aliases).size !== aliases.length) throw invalid('aliases: a name appears twice');
    const taken: Array<{ name: string }> = await manager.query(
      `SELECT name FROM models WHERE ($1::uuid IS NULL OR id <> $1::uuid) AND (name = ANY($2::text[]) OR aliases && $2::text[] OR $3 = ANY(aliases)) LIMIT 1`,
      [selfId, aliases, name],
    );
    if (taken.length > 0) throw conflict(`aliases: ${[name, ...aliases].join(', ')} clashes with the name or an alias of model ${taken[0].name}`);
  }
}

/** Fallbacks name other existing models, once each. */
async function assertFallbacks(manager: EntityManager, name: string, fallbacks: string[] | null | undefined): Promise<void> {
  if (!fallbacks) return;
  const seen = new Set<string>();
  for (const [index, fallback] of fallbacks.entries()) {
    if (fallback === name) throw invalid(`fallbacks.${index}: a model cannot fall back to itself`);
    if (seen.has(fallback)) throw invalid(`fallbacks.${index}: ${fallback} appears twice`);
    seen.add(fallback);
    if (!(await manager.getRepository(Model).exists({ where: { name: fallback } }))) throw invalid(`fallbacks.${index}: model ${fallback} does not exist`);
  }
}

/** Tiers are told apart by their threshold: one tier per `minPromptTokens`. */
function assertTiers(tiers: PriceTierDto[] | null | undefined): void {
  if (!tiers) return;
  const seen = new Set<number>();
  tiers.forEach((tier, index) => {
    if (seen.has(tier.minPromptTokens)) throw invalid(`priceTiers.${index}.minPromptTokens: ${tier.minPromptTokens} appears twice`);
    seen.add(tier.minPromptTokens);
  });
}

function plainOptions(options: ModelOptionsDto | undefined): Model['options'] {
  const plain: Model['options'] = {};
  if (options?.messagesApi) plain.messagesApi = options.messagesApi;
  if (options?.responsesApi) plain.responsesApi = options.responsesApi;
  return plain;
}

/** Plain JSON for the jsonb column, sorted by threshold. */
function plainTiers(tiers: PriceTierDto[] | null | undefined): Model['priceTiers'] {
  if (!tiers) return null;
  return [...tiers]
    .sort((a, b) => a.minPromptTokens - b.minPromptTokens)
    .map((tier) => ({ minPromptTokens: tier.minPromptTokens, inputPrice: tier.inputPrice, outputPrice: tier.outputPrice, cachedInputPrice: tier.cachedInputPrice ?? null }));
}
