import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { AuditService } from './audit.service';
import { AuditEntryDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermissions(Permission.AuditRead)
  @ApiPageResponse(AuditEntryDto)
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(query);
  }
}
