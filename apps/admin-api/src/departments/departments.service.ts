import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Department } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { conflict, notFound } from '../common/errors';
import { keysetPage, Page } from '../common/page';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQueryDto, UpdateDepartmentDto } from './dto/department.dto';

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopePolicy,
    private readonly audit: AuditService,
  ) {}

  /** By name; a team lead sees only their own. */
  list(caller: Caller, query: ListDepartmentsQueryDto): Promise<Page<DepartmentDto>> {
    const only = this.scope.readableDepartment(caller);
    const qb = this.departments.createQueryBuilder('d');
    if (only) qb.where('d.id = :only', { only });
    return keysetPage(qb, query, { sort: 'lower(d.name)', id: 'd.id', direction: 'ASC' }, (department) => DepartmentDto.from(department));
  }

  async get(caller: Caller, id: string): Promise<DepartmentDto> {
    this.scope.assertCanReadDepartment(caller, id);
    return DepartmentDto.from(await this.find(id));
  }

  create(caller: Caller, dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, dto.name);
      const saved = await manager.getRepository(Department).save(manager.create(Department, { name: dto.name, allowedModels: dto.allowedModels ?? null }));
      const view = DepartmentDto.from(saved);
      await this.audit.record(caller, 'department.create', 'department', saved.id, null, view, manager);
      return view;
    });
  }

  update(caller: Caller, id: string, dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Department);
      const department = await this.find(id, repository);
      const before = DepartmentDto.from(department);
      if (dto.name !== undefined && dto.name.toLowerCase() !== department.name.toLowerCase()) await this.assertNameFree(manager, dto.name);
      if (dto.name !== undefined) department.name = dto.name;
      if (dto.allowedModels !== undefined) department.allowedModels = dto.allowedModels;
      const after = DepartmentDto.from(await repository.save(department));
      await this.audit.record(caller, 'department.update', 'department', id, before, after, manager);
      return after;
    });
  }

  /** Only an empty department goes: users (active or not) keep their history attached to it. */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const department = await this.find(id, manager.getRepository(Department));
      const [{ n }] = await manager.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM users WHERE department_id = $1`, [id]);
      if (n > 0) throw conflict(`Department ${id} still has ${n} user(s), active or deactivated; move them to another department first`);
      await manager.getRepository(Department).delete(id);
      await this.audit.record(caller, 'department.delete', 'department', id, DepartmentDto.from(department), null, manager);
    });
  }

  private async find(id: string, repository = this.departments): Promise<Department> {
    const department = await repository.findOne({ where: { id } });
    if (!department) throw notFound('Department', id);
    return department;
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    const taken = await manager.getRepository(Department).createQueryBuilder('d').where('lower(d.name) = lower(:name)', { name }).getExists();
    if (taken) throw conflict(`name: a department named ${name} already exists`);
  }
}
