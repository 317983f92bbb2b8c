import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DepartmentsService } from './departments.service';
import { CreateDepartmentDto, DepartmentDto, ListDepartmentsQueryDto, UpdateDepartmentDto } from './dto/department.dto';

@ApiTags('departments')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Get()
  @RequirePermissions(Permission.DepartmentsRead)
  @ApiPageResponse(DepartmentDto)
  list(@CurrentUser() caller: Caller, @Query() query: ListDepartmentsQueryDto): Promise<Page<DepartmentDto>> {
    return this.departments.list(caller, query);
  }

  @Post()
  @RequirePermissions(Permission.DepartmentsWrite)
  @ApiCreatedResponse({ type: DepartmentDto })
  create(@CurrentUser() caller: Caller, @Body() dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(caller, dto);
  }

  @Get(':id')
  @RequirePermissions(Permission.DepartmentsRead)
  @ApiOkResponse({ type: DepartmentDto })
  get(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<DepartmentDto> {
    return this.departments.get(caller, id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.DepartmentsWrite)
  @ApiOkResponse({ type: DepartmentDto })
  update(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.DepartmentsWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.departments.remove(caller, id);
  }
}
