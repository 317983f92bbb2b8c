import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { invalid } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `@Param('id', ParseIdPipe)`: a UUID, or 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw invalid(`${metadata.data ?? 'id'}: must be a UUID`, 'isUuid');
    return value.toLowerCase();
  }
}
