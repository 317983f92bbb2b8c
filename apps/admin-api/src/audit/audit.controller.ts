import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { Page } from '../common/page';
import { AuditService } from './audit.service';
import { AuditEntryDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit-log')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @RequirePermissions(Permission.AuditRead)
  @ApiOkResponse({ description: '{items: AuditEntryDto[], nextCursor}' })
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(query);
  }
}
