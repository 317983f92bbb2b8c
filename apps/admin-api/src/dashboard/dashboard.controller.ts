import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { DashboardAssets } from './dashboard-assets.service';

/** The dashboard's static files. Public on purpose: the page signs in and calls the JSON API. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Public()
  @Get()
  @Header('cache-control', 'no-cache')
  index(@Res() res: Response): void {
    this.assets.send(res, 'index.html');
  }

  @Public()
  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.assets.send(res, file);
  }

  @Public()
  @Get('dashboard/vendor/chart.umd.js')
  chart(@Res() res: Response): void {
    this.assets.sendChartJs(res);
  }
}
