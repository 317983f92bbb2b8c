import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { DashboardAssets } from './dashboard-assets.service';

/** The console's static files. Public on purpose: the page signs in and calls the JSON API. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Public()
  @Get()
  index(@Res() res: Response): void {
    this.assets.index(res);
  }

  @Public()
  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.assets.asset(res, file);
  }
}
