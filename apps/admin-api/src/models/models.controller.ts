import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { CreateModelDto, ModelDto, UpdateModelDto } from './dto/model.dto';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Get()
  @RequirePermissions(Permission.ModelsRead)
  list() {
    return this.models.list();
  }

  @Post()
  @RequirePermissions(Permission.ModelsWrite)
  create(@CurrentUser() caller: Caller, @Body() dto: CreateModelDto): Promise<ModelDto> {
    return this.models.create(caller, dto);
  }

  @Get(':id')
  @RequirePermissions(Permission.ModelsRead)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ModelDto> {
    return this.models.get(id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.ModelsWrite)
  update(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateModelDto): Promise<ModelDto> {
    return this.models.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.ModelsWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.models.remove(caller, id);
  }
}
