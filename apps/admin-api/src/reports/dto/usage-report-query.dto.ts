import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';

export const REPORT_DIMENSIONS = ['department', 'user', 'model', 'provider', 'account', 'day'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export class UsageReportQueryDto {
  @ApiProperty({ example: '2026-11-01', description: 'first day, inclusive, in APP_TIMEZONE' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-11-30', description: 'last day, inclusive, in APP_TIMEZONE' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to: string;

  @ApiPropertyOptional({ example: 'department,model', description: `comma-separated subset of ${REPORT_DIMENSIONS.join(', ')}` })
  @IsOptional()
  @Matches(/^(department|user|model|provider|account|day)(,(department|user|model|provider|account|day))*$/, {
    message: `groupBy must be a comma-separated list of ${REPORT_DIMENSIONS.join(', ')}`,
  })
  groupBy?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "one department's usage (a team lead's is always their own)" })
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}
