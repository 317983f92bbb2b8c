import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { Public } from '../auth/decorators';

export class ConsoleConfigDto {
  @ApiProperty({ example: 'https://llm.example.com', description: 'the gateway address to show in key snippets (GATEWAY_PUBLIC_URL)' }) gatewayUrl: string;
  @ApiProperty({ description: 'true while no active admin exists: the sign-in page explains how to create one' }) needsFirstAdmin: boolean;
  @ApiProperty({ example: 'npm run cli -- create-admin --email <email> --password-stdin' }) firstAdminCommand: string;
}

/** What the console needs before anyone signs in. Public: it reveals no data, only whether set-up is done. */
@ApiTags('console')
@Controller('console')
export class ConsoleConfigController {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Public()
  @Get('config')
  @ApiOkResponse({ type: ConsoleConfigDto })
  async get(): Promise<ConsoleConfigDto> {
    const [row] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active) AS found`);
    return { gatewayUrl: this.config.gatewayPublicUrl, needsFirstAdmin: !row?.found, firstAdminCommand: 'npm run cli -- create-admin --email <email> --password-stdin' };
  }
}
