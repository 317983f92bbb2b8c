import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Department, hashPassword, Role, User } from '@app/core';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { permissionsOf } from '../auth/permissions';
import { ScopePolicy } from '../auth/scope.policy';
import { passwordWeakness, WEAK_PASSWORD } from '../auth/password-policy';
import { SessionService } from '../auth/session.service';
import { SessionStore } from '../auth/session.store';
import { conflict, forbidden, invalid, notFound } from '../common/errors';
import { keysetPage, Page } from '../common/page';
import { CreateUserDto, ListUsersQueryDto, MeDto, UpdateUserDto, UserDto } from './dto/user.dto';

/** Roles that work inside a department and must belong to one. */
const DEPARTMENT_ROLES: ReadonlySet<Role> = new Set<Role>(['developer', 'team_lead']);

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: ScopePolicy,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly sessionStore: SessionStore,
  ) {}

  /** By email; a team lead sees their department only. */
  list(caller: Caller, query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const department = this.scope.readableDepartment(caller, query.departmentId);
    const qb = this.users.createQueryBuilder('u');
    if (department) qb.andWhere('u.departmentId = :department', { department });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    return keysetPage(qb, query, { sort: 'lower(u.email)', id: 'u.id', direction: 'ASC' }, (user) => UserDto.from(user));
  }

  async get(caller: Caller, id: string): Promise<UserDto> {
    const user = await this.find(id);
    this.scope.assertCanReadUser(caller, user);
    return UserDto.from(user);
  }

  /** The caller's own profile, with their department's name and their role's permissions. */
  async me(caller: Caller): Promise<MeDto> {
    const user = await this.find(caller.id);
    const department = user.departmentId ? await this.departments.findOne({ where: { id: user.departmentId } }) : null;
    return {
      ...UserDto.from(user),
      departmentName: department?.name ?? null,
      department: department ? { id: department.id, name: department.name, allowedModels: department.allowedModels } : null,
      permissions: permissionsOf(user.role),
    };
  }

  async create(caller: Caller, dto: CreateUserDto): Promise<UserDto> {
    const departmentId = dto.departmentId ?? null;
    this.scope.assertCanWriteUser(caller, undefined, { role: dto.role, departmentId });
    this.assertDepartmentFitsRole(dto.role, departmentId);
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    return this.dataSource.transaction(async (manager) => {
      await this.assertDepartmentExists(manager, departmentId);
      await this.assertModelsWithinDepartment(manager, departmentId, dto.allowedModels);
      return this.insert(manager, caller, {
        email: dto.email,
        name: dto.name,
        role: dto.role,
        departmentId,
        passwordHash,
        allowedModels: dto.allowedModels ?? null,
      });
    });
  }

  /**
   * An administrator created by the system, with no caller: the CLI's `create-admin` and
   * ADMIN_EMAIL/ADMIN_PASSWORD at first start. The same path as `create`: password policy, a free
   * email, one audit entry (`via` says where it came from). Inside the caller's transaction when given.
   */
  async createAdmin(input: { email: string; name: string; password: string }, via: string, manager?: EntityManager): Promise<UserDto> {
    const email = input.email.trim().toLowerCase();
    this.assertStrongPassword(input.password, [email, input.name]);
    const passwordHash = await hashPassword(input.password);
    const run = (tx: EntityManager) =>
      this.insert(tx, null, { email, name: input.name, role: 'admin', departmentId: null, passwordHash, allowedModels: null }, via);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** Recovery without the API (the CLI's `reset-password`): sets the password and ends every session. */
  async resetPassword(emailAddress: string, password: string, via: string): Promise<UserDto> {
    const email = emailAddress.trim().toLowerCase();
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await repository.createQueryBuilder('u').setLock('pessimistic_write').where('lower(u.email) = :email', { email }).getOne();
      if (!user) throw notFound('User', email);
      this.assertStrongPassword(password, [user.email, user.name]);
      user.passwordHash = await hashPassword(password);
      user.tokenVersion += 1;
      const after = await repository.save(user);
      await this.sessionStore.endAllOf(user.id, manager);
      await this.audit.record(null, 'user.password_reset', 'user', user.id, null, { via }, manager);
      return after;
    });
    this.sessions.forget(saved.id);
    return UserDto.from(saved);
  }

  private async insert(
    manager: EntityManager,
    caller: Caller | null,
    fields: Pick<User, 'email' | 'name' | 'role' | 'departmentId' | 'passwordHash' | 'allowedModels'>,
    via?: string,
  ): Promise<UserDto> {
    await this.assertEmailFree(manager, fields.email);
    const saved = await manager.getRepository(User).save(manager.create(User, { ...fields, active: true }));
    const view = UserDto.from(saved);
    await this.audit.record(
      caller,
      'user.create',
      'user',
      saved.id,
      null,
      { ...view, hasPassword: fields.passwordHash !== null, ...(via ? { via } : {}) },
      manager,
    );
    return view;
  }

  private assertStrongPassword(password: string, userInputs: string[]): void {
    const weakness = passwordWeakness(password, userInputs);
    if (weakness) throw invalid(`password: ${weakness}`, WEAK_PASSWORD);
  }

  /** Within the caller's scope: rename, move, change role, set a password, narrow models, (re)activate. */
  async update(caller: Caller, id: string, dto: UpdateUserDto): Promise<UserDto> {
    if (dto.password !== undefined && id === caller.id) {
      throw forbidden('password: change your own password with POST /api/auth/password {currentPassword, newPassword}', 'use_password_change');
    }
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await this.find(id, repository, manager);
      const next = {
        role: dto.role ?? user.role,
        departmentId: dto.departmentId !== undefined ? dto.departmentId : user.departmentId,
        active: dto.active ?? user.active,
      };
      this.scope.assertCanWriteUser(caller, user, next);
      if (user.active !== next.active) this.recordActivation(caller, user, next.active);
      if (dto.role !== undefined || dto.departmentId !== undefined) this.assertDepartmentFitsRole(next.role, next.departmentId);
      if (dto.departmentId !== undefined) await this.assertDepartmentExists(manager, dto.departmentId);
      if (dto.allowedModels !== undefined) await this.assertModelsWithinDepartment(manager, next.departmentId, dto.allowedModels);
      if (dto.email !== undefined && dto.email !== user.email) await this.assertEmailFree(manager, dto.email);
      const before = UserDto.from(user);
      let sessionsEnd = false;
      if (dto.email !== undefined) user.email = dto.email;
      if (dto.name !== undefined) user.name = dto.name;
      if (dto.allowedModels !== undefined) user.allowedModels = dto.allowedModels;
      if (user.active && !next.active) sessionsEnd = true; // old tokens must not come back with a reactivation
      user.role = next.role;
      user.departmentId = next.departmentId;
      user.active = next.active;
      if (passwordHash) {
        user.passwordHash = passwordHash;
        sessionsEnd = true;
      }
      if (sessionsEnd) user.tokenVersion += 1;
      const after = await repository.save(user);
      const action = before.active === after.active ? 'user.update' : after.active ? 'user.reactivate' : 'user.deactivate';
      await this.audit.record(caller, action, 'user', id, before, { ...UserDto.from(after), ...(passwordHash ? { passwordChanged: true } : {}) }, manager);
      return after;
    });
    this.sessions.forget(id);
    return UserDto.from(saved);
  }

  /** Deactivates, keeping the user and their history; their sessions end and their keys stop working at the gateway. */
  async deactivate(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await this.find(id, repository, manager);
      this.scope.assertCanWriteUser(caller, user, { role: user.role, departmentId: user.departmentId, active: false });
      if (!user.active) return;
      const before = UserDto.from(user);
      this.recordActivation(caller, user, false);
      user.active = false;
      user.tokenVersion += 1;
      await repository.save(user);
      await this.audit.record(caller, 'user.deactivate', 'user', id, before, UserDto.from(user), manager);
    });
    this.sessions.forget(id);
  }

  /** Who deactivated a user is kept, so a team lead cannot undo an administrator's deactivation. */
  private recordActivation(caller: Caller, user: User, active: boolean): void {
    user.deactivatedBy = active ? null : caller.id;
    user.deactivatedByRole = active ? null : caller.role;
  }

  /** Locks the row when given a transaction, so concurrent changes to one user serialise. */
  private async find(id: string, repository = this.users, manager?: EntityManager): Promise<User> {
    const user = manager
      ? await repository.createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).getOne()
      : await repository.findOne({ where: { id } });
    if (!user) throw notFound('User', id);
    return user;
  }

  private assertDepartmentFitsRole(role: Role, departmentId: string | null): void {
    if (DEPARTMENT_ROLES.has(role) && !departmentId) throw invalid(`departmentId: required for the role ${role}`);
  }

  private async assertDepartmentExists(manager: EntityManager, departmentId: string | null): Promise<void> {
    if (departmentId && !(await manager.getRepository(Department).exists({ where: { id: departmentId } }))) {
      throw invalid(`departmentId: department ${departmentId} does not exist`);
    }
  }

  /**
   * A person's list narrows their department's: a model the department does not allow would be a
   * promise the gateway does not keep (it serves the intersection), so it is refused, by name.
   */
  private async assertModelsWithinDepartment(manager: EntityManager, departmentId: string | null, allowedModels: string[] | null | undefined): Promise<void> {
    if (!allowedModels || !departmentId) return;
    const department = await manager.getRepository(Department).findOne({ where: { id: departmentId } });
    const departmentModels = department?.allowedModels;
    if (!departmentModels) return;
    const outside = allowedModels.filter((model) => !departmentModels.includes(model));
    if (outside.length > 0) {
      throw invalid(
        `allowedModels: ${outside.join(', ')} not allowed in the department (it allows ${departmentModels.join(', ') || 'no model'})`,
        'outside_department',
      );
    }
  }

  private async assertEmailFree(manager: EntityManager, email: string): Promise<void> {
    const taken = await manager.getRepository(User).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getExists();
    if (taken) throw conflict(`email: a user with the email ${email} already exists`);
  }
}
