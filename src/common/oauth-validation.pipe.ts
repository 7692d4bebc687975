import { applyDecorators, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { OAuthError } from './oauth-error';
import { MAX_PARAM_LENGTH } from './oauth-params';

// One OAuth parameter of a form body: a single string (a repeated or structured parameter arrives
// as an array or object and is refused), at most MAX_PARAM_LENGTH characters, and absent when
// empty (RFC 6749 §3.1).
export const OAuthParam = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value)),
    IsOptional(),
    // Validated in this order, stopping at the first failure: an array is not "too long".
    IsString({ message: '$property must be given once, as a single value' }),
    MaxLength(MAX_PARAM_LENGTH, {
      message: `$property is longer than ${MAX_PARAM_LENGTH} characters`,
    }),
  );

// For the OAuth endpoints: unknown parameters are ignored (RFC 6749 §3.1), and a broken one is
// invalid_request naming the parameter, never echoing its value.
export const oauthValidationPipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  stopAtFirstError: true,
  exceptionFactory: (errors) => {
    const [message] = Object.values(errors[0]?.constraints ?? {});
    return new OAuthError('invalid_request', message ?? 'the request is malformed');
  },
});
