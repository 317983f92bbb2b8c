import { Controller, Get, Headers, Inject } from '@nestjs/common';
import { ModelListService } from './model-list.service';

@Controller('v1')
export class ModelsController {
  constructor(@Inject(ModelListService) private readonly models: ModelListService) {}

  @Get('models')
  list(@Headers('authorization') authorization: string | undefined) {
    return this.models.listFor(authorization);
  }
}
