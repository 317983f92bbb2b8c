import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { UsageReportQueryDto } from './dto/usage-report-query.dto';
import { UsageReportService } from './usage-report.service';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: UsageReportService) {}

  @Get('usage.csv')
  @ApiProduces('text/csv')
  @RequirePermissions(Permission.ReportsRead)
  @ApiOkResponse({
    description: 'UTF-8 CSV with a byte-order mark, RFC 4180: the groupBy columns, then requests … cost, currency; streamed',
    content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } },
  })
  async usageCsv(@CurrentUser() caller: Caller, @Query() query: UsageReportQueryDto, @Res() res: Response): Promise<void> {
    const plan = this.reports.plan(caller, query);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${plan.filename}"`);
    await this.reports.write(plan, res);
  }
}
