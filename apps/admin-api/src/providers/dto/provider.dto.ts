import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { Provider, ProviderKind } from '@app/core';
import { PROVIDER_KINDS } from '@app/providers';
import { PageQueryDto } from '../../common/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const URL_MESSAGE = '$property must be an http(s) URL';
const OPTIONS_DOC =
  'by kind — dashscope: accessKeyId, accessKeySecret (secret), bssEndpoint; huawei-maas: accessKey, secretKey (secret), region, projectId, ' +
  'iamEndpoint, modelartsEndpoint, serviceType; chatgpt-codex: windowAlertPercent; any: balanceAlertBelow; any served kind: messagesApi and responsesApi (native | translated). ' +
  'Credentials are write-only; on PATCH, null removes an option. URLs on link-local or cloud-metadata addresses are refused; changing a URL needs the credentials again.';

export class CreateProviderDto {
  @ApiProperty({ example: 'bailian-beijing' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: [...PROVIDER_KINDS] }) @IsIn([...PROVIDER_KINDS]) kind: ProviderKind;
  @ApiProperty({ example: 'https://dashscope.aliyuncs.com', description: 'dashscope and huawei-maas: the host; openai: a base ending in /v1' })
  @Transform(trim)
  @IsUrl(HTTP_URL, { message: URL_MESSAGE })
  @MaxLength(2000)
  baseUrl: string;
  @ApiPropertyOptional({
    writeOnly: true,
    description: 'stored encrypted; never returned; the provider’s first account. Required unless the kind’s accounts hold other credentials (chatgpt-codex)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  apiKey?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: OPTIONS_DOC }) @IsOptional() @IsObject() options?: Record<string, unknown>;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateProviderDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: [...PROVIDER_KINDS] }) @IsOptional() @IsIn([...PROVIDER_KINDS]) kind?: ProviderKind;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsUrl(HTTP_URL, { message: URL_MESSAGE }) @MaxLength(2000) baseUrl?: string;
  @ApiPropertyOptional({ writeOnly: true, description: 'replaces the stored key' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(4000) apiKey?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `merged into the stored options; ${OPTIONS_DOC}` })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ListProvidersQueryDto extends PageQueryDto {}

export class ProviderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: [...PROVIDER_KINDS] }) kind: ProviderKind;
  @ApiProperty() baseUrl: string;
  @ApiProperty({ description: 'the API key is write-only; this says one is stored' }) hasApiKey: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the non-secret options' }) options: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'names of the credential options that are set (their values are write-only)' }) secretOptions: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'access key ids, masked (e.g. LTAI…Xk)' }) maskedOptions: Record<
    string,
    string
  >;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(provider: Provider, credentials: { hasApiKey: boolean; secretOptions: string[]; maskedOptions: Record<string, string> }): ProviderDto {
    return {
      id: provider.id,
      name: provider.name,
      kind: provider.kind,
      baseUrl: provider.baseUrl,
      hasApiKey: credentials.hasApiKey,
      options: provider.options,
      secretOptions: credentials.secretOptions,
      maskedOptions: credentials.maskedOptions,
      enabled: provider.enabled,
      createdAt: provider.createdAt.toISOString(),
      updatedAt: provider.updatedAt.toISOString(),
    };
  }
}
