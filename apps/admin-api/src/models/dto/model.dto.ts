import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CURRENCIES, Currency, Model, ModelOptions, PriceTier } from '@app/core';
import { PageQueryDto } from '../../common/page-query.dto';
import { formatDecimal, parseDecimal } from '@app/usage';

const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;
const DECIMAL_MESSAGE = '$property must be a non-negative decimal (string or number) with at most 12 decimals';
/** Prices arrive as numbers or strings; they are kept as exact decimal strings. */
const toDecimalString = ({ value }: { value: unknown }) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 12 }) : value;

export class PriceTierDto implements PriceTier {
  @ApiProperty() @IsInt() @Min(0) minPromptTokens: number;
  @ApiProperty() @Transform(toDecimalString) @Matches(DECIMAL, { message: DECIMAL_MESSAGE }) inputPrice: string;
  @ApiProperty() @Transform(toDecimalString) @Matches(DECIMAL, { message: DECIMAL_MESSAGE }) outputPrice: string;
  @ApiPropertyOptional() @IsOptional() @Transform(toDecimalString) @Matches(DECIMAL, { message: DECIMAL_MESSAGE }) cachedInputPrice?: string | null;
}

const API_MODES = ['native', 'translated'] as const;

/** How Messages / Responses calls reach this model's provider (overrides the provider's options). */
export class ModelOptionsDto implements ModelOptions {
  @ApiPropertyOptional({ enum: API_MODES }) @IsOptional() @IsIn(API_MODES) messagesApi?: 'native' | 'translated';
  @ApiPropertyOptional({ enum: API_MODES }) @IsOptional() @IsIn(API_MODES) responsesApi?: 'native' | 'translated';
}

export class CreateModelDto {
  @ApiProperty({ example: 'qwen-plus', description: 'the name clients send as `model`' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() providerId: string;
  @ApiPropertyOptional({ nullable: true, description: "the provider's name for it" }) @IsOptional() @IsString() @MaxLength(200) upstreamModel?: string | null;
  @ApiProperty({ example: '0.8', description: 'per 1M input tokens' })
  @Transform(toDecimalString)
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  inputPrice: string;
  @ApiProperty({ example: '2', description: 'per 1M output tokens' })
  @Transform(toDecimalString)
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  outputPrice: string;
  @ApiPropertyOptional({ example: '0.16', nullable: true })
  @IsOptional()
  @Transform(toDecimalString)
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  cachedInputPrice?: string | null;
  @ApiPropertyOptional({ example: '3', nullable: true, description: 'per 1M prompt tokens written to the cache; unset: priced as input' })
  @IsOptional()
  @Transform(toDecimalString)
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  cacheWriteInputPrice?: string | null;
  @ApiPropertyOptional({
    type: [String],
    example: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    description: 'other names clients may send; metered under this model',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];
  @ApiPropertyOptional({ type: ModelOptionsDto }) @IsOptional() @ValidateNested() @Type(() => ModelOptionsDto) options?: ModelOptionsDto;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency: Currency;
  @ApiPropertyOptional({ type: [PriceTierDto], nullable: true, description: 'prompt-length tiers (e.g. DashScope long-context prices)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PriceTierDto)
  priceTiers?: PriceTierDto[] | null;
  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description:
      'models (by name, same or another provider) tried in order before the first byte when every account of this model’s provider is limited or down',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  fallbacks?: string[] | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateModelDto extends PartialType(CreateModelDto) {}

export class ListModelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() providerId?: string;
}

const exact = (value: string) => formatDecimal(parseDecimal(value));
const exactOrNull = (value: string | null) => (value === null ? null : exact(value));

export class ModelDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() providerId: string;
  @ApiProperty({ nullable: true }) upstreamModel: string | null;
  @ApiProperty() inputPrice: string;
  @ApiProperty() outputPrice: string;
  @ApiProperty({ nullable: true }) cachedInputPrice: string | null;
  @ApiProperty({ nullable: true }) cacheWriteInputPrice: string | null;
  @ApiProperty({ type: [String] }) aliases: string[];
  @ApiProperty({ type: ModelOptionsDto }) options: ModelOptions;
  @ApiProperty({ enum: CURRENCIES }) currency: Currency;
  @ApiProperty({ type: [PriceTierDto], nullable: true }) priceTiers: PriceTier[] | null;
  @ApiProperty({ type: [String], description: 'fallback models, tried in order' }) fallbacks: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(model: Model): ModelDto {
    return {
      id: model.id,
      name: model.name,
      providerId: model.providerId,
      upstreamModel: model.upstreamModel,
      inputPrice: exact(model.inputPrice),
      outputPrice: exact(model.outputPrice),
      cachedInputPrice: exactOrNull(model.cachedInputPrice),
      cacheWriteInputPrice: exactOrNull(model.cacheWriteInputPrice),
      aliases: model.aliases,
      options: model.options,
      currency: model.currency,
      priceTiers: model.priceTiers,
      fallbacks: model.fallbacks ?? [],
      enabled: model.enabled,
      createdAt: model.createdAt.toISOString(),
      updatedAt: model.updatedAt.toISOString(),
    };
  }
}
