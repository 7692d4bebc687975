import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';

export type FieldErrors = Record<string, string[]>;

// 400 for a request body or query that breaks the rules; `fields` maps each field to its problems,
// e.g. { "statusCode": 400, "error": "Bad Request", "message": "…", "fields": { "redirect_uris": […] } }.
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fields: FieldErrors) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid ${Object.keys(fields).join(', ')}`,
      fields,
    });
  }
}

export function toFieldErrors(errors: ValidationError[], parent = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      fields[path] = Object.values(error.constraints);
    }
    Object.assign(fields, toFieldErrors(error.children ?? [], path));
  }
  return fields;
}

// For the admin API: unknown fields are refused (a typo such as `redirect_uri` must not be ignored
// silently), and values are converted to the DTO types.
export const adminValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // One message per field: the first rule it breaks.
  stopAtFirstError: true,
  exceptionFactory: (errors) => new ValidationFailedException(toFieldErrors(errors)),
});

// Like @IsOptional(), but only an absent field is skipped: `null` is validated (and refused) for
// fields whose column cannot be null.
export const OptionalNonNull = () => ValidateIf((_object, value) => value !== undefined);

// Validates a value outside a route (the CLI, form pages) exactly as adminValidationPipe does on
// one; throws ValidationFailedException.
export async function validateInput<T>(
  metatype: new () => T,
  value: unknown,
  type: 'body' | 'query' = 'body',
): Promise<T> {
  return (await adminValidationPipe.transform(value, { type, metatype })) as T;
}
