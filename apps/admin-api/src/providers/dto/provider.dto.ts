import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { Provider, PROVIDER_KINDS, ProviderKind } from '@app/core';

/** Option names whose values are credentials: stored encrypted, never returned. */
export const SECRET_OPTIONS = ['accessKeyId', 'accessKeySecret', 'accessKey', 'secretKey'] as const;

export class CreateProviderDto {
  @ApiProperty({ example: 'bailian-beijing' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) @IsIn(PROVIDER_KINDS) kind: ProviderKind;
  @ApiProperty({ example: 'https://dashscope.aliyuncs.com' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl: string;
  @ApiProperty({ writeOnly: true }) @IsString() @MinLength(1) @MaxLength(1000) apiKey: string;
  @ApiPropertyOptional({ description: 'dashscope: accessKeyId, accessKeySecret, bssEndpoint; huawei-maas: accessKey, secretKey, region, projectId, iamEndpoint, modelartsEndpoint' })
  @IsOptional() @IsObject()
  options?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateProviderDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) baseUrl?: string;
  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(1000) apiKey?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() options?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ProviderDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PROVIDER_KINDS }) kind: ProviderKind;
  @ApiProperty() baseUrl: string;
  @ApiProperty({ description: 'the API key is write-only' }) hasApiKey: boolean;
  @ApiProperty({ description: 'non-secret options' }) options: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'secret options that are set (values are write-only)' }) secretOptions: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(provider: Provider, secretOptions: string[]): ProviderDto {
    return {
      id: provider.id,
      name: provider.name,
      kind: provider.kind,
      baseUrl: provider.baseUrl,
      hasApiKey: true,
      options: provider.options,
      secretOptions,
      enabled: provider.enabled,
      createdAt: provider.createdAt.toISOString(),
      updatedAt: provider.updatedAt.toISOString(),
    };
  }
}
