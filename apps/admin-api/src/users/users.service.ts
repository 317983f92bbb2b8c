import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Department, hashPassword, User } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { conflict, invalid, notFound } from '../common/errors';
import { clampLimit, decodeCursor, encodeCursor, Page } from '../common/page';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ScopePolicy) private readonly scope: ScopePolicy,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const department = this.scope.readableDepartment(caller, query.departmentId);
    const limit = clampLimit(query.limit);
    const after = decodeCursor<{ email: string; id: string }>(query.cursor);
    const qb = this.users.createQueryBuilder('u').orderBy('lower(u.email)', 'ASC').addOrderBy('u.id', 'ASC').take(limit + 1);
    if (department) qb.andWhere('u.departmentId = :department', { department });
    if (after) qb.andWhere('(lower(u.email), u.id) > (:email, :id)', after);
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(UserDto.from), nextCursor: rows.length > limit ? encodeCursor({ email: last.email.toLowerCase(), id: last.id }) : null };
  }

  async get(caller: Caller, id: string): Promise<UserDto> {
    const user = await this.find(id);
    this.scope.assertCanReadUser(caller, user);
    return UserDto.from(user);
  }

  async create(caller: Caller, dto: CreateUserDto): Promise<UserDto> {
    this.scope.assertCanWriteUser(caller, undefined, { role: dto.role, departmentId: dto.departmentId ?? null });
    return this.dataSource.transaction(async (manager) => {
      await this.assertDepartmentExists(manager, dto.departmentId ?? null);
      const taken = await manager.getRepository(User).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email: dto.email }).getCount();
      if (taken > 0) throw conflict(`A user with email ${dto.email} already exists`);
      const user = manager.create(User, {
        email: dto.email.toLowerCase(),
        name: dto.name,
        role: dto.role,
        departmentId: dto.departmentId ?? null,
        passwordHash: dto.password ? await hashPassword(dto.password) : null,
        allowedModels: dto.allowedModels ?? null,
        active: true,
      });
      const saved = await manager.getRepository(User).save(user);
      await this.audit.record(caller, 'user.create', 'user', saved.id, null, UserDto.from(saved), manager);
      return UserDto.from(saved);
    });
  }

  async update(caller: Caller, id: string, dto: UpdateUserDto): Promise<UserDto> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await this.find(id, repository);
      const next = { role: dto.role ?? user.role, departmentId: dto.departmentId !== undefined ? dto.departmentId : user.departmentId };
      if (caller.id === id && dto.role && dto.role !== user.role && caller.role !== 'admin') throw invalid('You cannot change your own role');
      this.scope.assertCanWriteUser(caller, user, next);
      if (dto.departmentId !== undefined) await this.assertDepartmentExists(manager, dto.departmentId);
      const before = UserDto.from(user);
      if (dto.name !== undefined) user.name = dto.name;
      user.role = next.role;
      user.departmentId = next.departmentId;
      if (dto.allowedModels !== undefined) user.allowedModels = dto.allowedModels;
      if (dto.active !== undefined && dto.active !== user.active) {
        user.active = dto.active;
        user.tokenVersion += 1;
      }
      if (dto.password) {
        user.passwordHash = await hashPassword(dto.password);
        user.tokenVersion += 1;
      }
      const saved = await repository.save(user);
      await this.audit.record(caller, 'user.update', 'user', id, before, UserDto.from(saved), manager);
      return UserDto.from(saved);
    });
  }

  /** Deactivates: history stays, keys stop working at the gateway within a second. */
  async deactivate(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await this.find(id, repository);
      if (caller.id === id) throw invalid('You cannot delete yourself');
      this.scope.assertCanWriteUser(caller, user, user);
      const before = UserDto.from(user);
      user.active = false;
      user.tokenVersion += 1;
      await repository.save(user);
      await this.audit.record(caller, 'user.deactivate', 'user', id, before, UserDto.from(user), manager);
    });
  }

  async find(id: string, repository = this.users): Promise<User> {
    const user = await repository.findOne({ where: { id } });
    if (!user) throw notFound('User', id);
    return user;
  }

  private async assertDepartmentExists(manager: EntityManager, departmentId: string | null): Promise<void> {
    if (departmentId && !(await manager.getRepository(Department).exists({ where: { id: departmentId } }))) {
      throw invalid(`departmentId: department ${departmentId} does not exist`);
    }
  }
}
