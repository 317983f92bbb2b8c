import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';

@Controller()
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 200 when the process and the database are up; 503 otherwise. */
  @Public()
  @Get('healthz')
  async healthz(@Res() res: Response): Promise<void> {
    const up = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down' });
  }
}
