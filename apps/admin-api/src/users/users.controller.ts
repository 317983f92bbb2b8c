import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermissions(Permission.UsersRead)
  @ApiPageResponse(UserDto)
  list(@CurrentUser() caller: Caller, @Query() query: ListUsersQueryDto): Promise<Page<UserDto>> {
    return this.users.list(caller, query);
  }

  @Post()
  @RequirePermissions(Permission.UsersWrite)
  @ApiCreatedResponse({ type: UserDto })
  create(@CurrentUser() caller: Caller, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(caller, dto);
  }

  /** Anyone may read themself; others as ScopePolicy allows. */
  @Get(':id')
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: UserDto })
  get(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<UserDto> {
    return this.users.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.UsersWrite)
  @ApiOkResponse({ type: UserDto })
  update(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(caller, id, dto);
  }

  /** Deactivates; the user and their usage history stay. */
  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.UsersWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.users.deactivate(caller, id);
  }
}
