import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  @RequirePermissions(Permission.UsersRead)
  list(@CurrentUser() caller: Caller, @Query() query: ListUsersQueryDto) {
    return this.users.list(caller, query);
  }

  @Post()
  @RequirePermissions(Permission.UsersWrite)
  create(@CurrentUser() caller: Caller, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(caller, dto);
  }

  @Get(':id')
  @RequirePermissions(Permission.SelfRead)
  get(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<UserDto> {
    return this.users.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.UsersWrite)
  update(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.UsersWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.deactivate(caller, id);
  }
}
