import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Model, Provider } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { conflict, invalid, notFound } from '../common/errors';
import { Page } from '../common/page';
import { CreateModelDto, ModelDto, UpdateModelDto } from './dto/model.dto';

/**
 * Models and prices. A price change applies to calls from then on: every usage event records
 * the prices it was charged at, so history is never rewritten.
 */
@Injectable()
export class ModelsService {
  constructor(
    @InjectRepository(Model) private readonly models: Repository<Model>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(): Promise<Page<ModelDto>> {
    const rows = await this.models.find({ order: { name: 'ASC' } });
    return { items: rows.map(ModelDto.from), nextCursor: null };
  }

  async get(id: string): Promise<ModelDto> {
    return ModelDto.from(await this.find(id));
  }

  async create(caller: Caller, dto: CreateModelDto): Promise<ModelDto> {
    return this.dataSource.transaction(async (manager) => {
      await this.assertProvider(manager, dto.providerId);
      if (await manager.getRepository(Model).exists({ where: { name: dto.name } })) throw conflict(`A model named ${dto.name} already exists`);
      const saved = await manager.getRepository(Model).save(
        manager.create(Model, {
          name: dto.name,
          providerId: dto.providerId,
          upstreamModel: dto.upstreamModel ?? null,
          inputPrice: dto.inputPrice,
          outputPrice: dto.outputPrice,
          cachedInputPrice: dto.cachedInputPrice ?? null,
          currency: dto.currency,
          priceTiers: dto.priceTiers ?? null,
          enabled: dto.enabled ?? true,
        }),
      );
      const fresh = await manager.getRepository(Model).findOneOrFail({ where: { id: saved.id } });
      await this.audit.record(caller, 'model.create', 'model', saved.id, null, ModelDto.from(fresh), manager);
      return ModelDto.from(fresh);
    });
  }

  async update(caller: Caller, id: string, dto: UpdateModelDto): Promise<ModelDto> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Model);
      const model = await this.find(id, repository);
      const before = ModelDto.from(model);
      if (dto.providerId !== undefined) await this.assertProvider(manager, dto.providerId);
      Object.assign(model, Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)));
      await repository.save(model);
      const fresh = await repository.findOneOrFail({ where: { id } });
      await this.audit.record(caller, 'model.update', 'model', id, before, ModelDto.from(fresh), manager);
      return ModelDto.from(fresh);
    });
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.find(id, manager.getRepository(Model));
      await manager.getRepository(Model).delete(id);
      await this.audit.record(caller, 'model.delete', 'model', id, ModelDto.from(model), null, manager);
    });
  }

  private async find(id: string, repository = this.models): Promise<Model> {
    const model = await repository.findOne({ where: { id } });
    if (!model) throw notFound('Model', id);
    return model;
  }

  private async assertProvider(manager: EntityManager, providerId: string): Promise<void> {
    if (!(await manager.getRepository(Provider).exists({ where: { id: providerId } }))) throw invalid(`providerId: provider ${providerId} does not exist`);
  }
}
