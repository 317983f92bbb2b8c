import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { PageQueryDto } from '../common/page-query.dto';
import { AuditService } from './audit.service';

class AuditQueryDto extends PageQueryDto {
  @IsOptional() @IsString() entityType?: string;
  @IsOptional() @IsUUID() actorId?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-log')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @RequirePermissions(Permission.AuditRead)
  list(@Query() query: AuditQueryDto) {
    return this.audit.list(query);
  }
}
