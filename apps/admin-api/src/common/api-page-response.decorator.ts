import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/** OpenAPI for a list: `{items: Item[], nextCursor: string | null}`. */
export const ApiPageResponse = <T>(item: Type<T>) =>
  applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description: `a page of ${item.name.replace(/Dto$/, '')}s; pass nextCursor back as ?cursor= for the next one (null: the last page)`,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } }, nextCursor: { type: 'string', nullable: true } },
      },
    }),
  );
