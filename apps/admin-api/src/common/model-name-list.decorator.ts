import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

/**
 * An optional allow-list of model names (departments and users): absent or null means "no
 * narrowing", else a list of distinct, non-empty names of catalog length.
 */
export function IsOptionalModelNameList(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    ValidateIf((_: unknown, value: unknown) => value !== null),
    IsArray(),
    ArrayMaxSize(1000),
    ArrayUnique(),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(200, { each: true }),
  );
}
