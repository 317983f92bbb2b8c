import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateModelDto, ListModelsQueryDto, ModelDto, UpdateModelDto } from './dto/model.dto';
import { ModelsService } from './models.service';

@ApiTags('models')
@Controller('models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Get()
  @RequirePermissions(Permission.ModelsRead)
  @ApiPageResponse(ModelDto)
  list(@Query() query: ListModelsQueryDto): Promise<Page<ModelDto>> {
    return this.models.list(query);
  }

  @Post()
  @RequirePermissions(Permission.ModelsWrite)
  @ApiCreatedResponse({ type: ModelDto })
  create(@CurrentUser() caller: Caller, @Body() dto: CreateModelDto): Promise<ModelDto> {
    return this.models.create(caller, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: ModelDto })
  @RequirePermissions(Permission.ModelsRead)
  get(@Param('id', ParseIdPipe) id: string): Promise<ModelDto> {
    return this.models.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ModelDto })
  @RequirePermissions(Permission.ModelsWrite)
  update(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateModelDto): Promise<ModelDto> {
    return this.models.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.ModelsWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.models.remove(caller, id);
  }
}
