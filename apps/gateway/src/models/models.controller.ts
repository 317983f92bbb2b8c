import { Controller, Get, Headers, Param } from '@nestjs/common';
import type { KeyHeaders } from '../key-auth/key-cache.service';
import { ModelListService } from './model-list.service';

@Controller('v1')
export class ModelsController {
  constructor(private readonly models: ModelListService) {}

  @Get('models')
  list(@Headers() headers: KeyHeaders) {
    return this.models.listFor(headers);
  }

  @Get('models/:id')
  one(@Headers() headers: KeyHeaders, @Param('id') id: string) {
    return this.models.oneFor(headers, id);
  }
}
