import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Department } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { conflict, notFound } from '../common/errors';
import { Page } from '../common/page';
import { CreateDepartmentDto, DepartmentDto, UpdateDepartmentDto } from './dto/department.dto';

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ScopePolicy) private readonly scope: ScopePolicy,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(caller: Caller): Promise<Page<DepartmentDto>> {
    const only = this.scope.readableDepartment(caller);
    const rows = await this.departments.find({ where: only ? { id: only } : {}, order: { name: 'ASC' } });
    return { items: rows.map(DepartmentDto.from), nextCursor: null };
  }

  async get(caller: Caller, id: string): Promise<DepartmentDto> {
    this.scope.assertCanReadDepartment(caller, id);
    return DepartmentDto.from(await this.find(id));
  }

  async create(caller: Caller, dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Department).save(manager.create(Department, { name: dto.name, allowedModels: dto.allowedModels ?? null }));
      await this.audit.record(caller, 'department.create', 'department', saved.id, null, saved, manager);
      return DepartmentDto.from(saved);
    });
  }

  async update(caller: Caller, id: string, dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const department = await this.find(id, manager.getRepository(Department));
      const before = { ...department };
      if (dto.name !== undefined) department.name = dto.name;
      if (dto.allowedModels !== undefined) department.allowedModels = dto.allowedModels;
      const saved = await manager.getRepository(Department).save(department);
      await this.audit.record(caller, 'department.update', 'department', id, before, saved, manager);
      return DepartmentDto.from(saved);
    });
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const department = await this.find(id, manager.getRepository(Department));
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM users WHERE department_id = $1`, [id]);
      if (n > 0) throw conflict(`Department ${id} still has ${n} users; move or delete them first`);
      await manager.getRepository(Department).delete(id);
      await this.audit.record(caller, 'department.delete', 'department', id, department, null, manager);
    });
  }

  private async find(id: string, repository = this.departments): Promise<Department> {
    const department = await repository.findOne({ where: { id } });
    if (!department) throw notFound('Department', id);
    return department;
  }
}
