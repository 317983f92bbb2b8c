import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { DepartmentsService } from './departments.service';
import { CreateDepartmentDto, DepartmentDto, UpdateDepartmentDto } from './dto/department.dto';

@ApiTags('departments')
@ApiBearerAuth()
@Controller('departments')
export class DepartmentsController {
  constructor(@Inject(DepartmentsService) private readonly departments: DepartmentsService) {}

  @Get()
  @RequirePermissions(Permission.DepartmentsRead)
  list(@CurrentUser() caller: Caller) {
    return this.departments.list(caller);
  }

  @Post()
  @RequirePermissions(Permission.DepartmentsWrite)
  create(@CurrentUser() caller: Caller, @Body() dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(caller, dto);
  }

  @Get(':id')
  @RequirePermissions(Permission.DepartmentsRead)
  get(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<DepartmentDto> {
    return this.departments.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.DepartmentsWrite)
  update(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.DepartmentsWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.departments.remove(caller, id);
  }
}
