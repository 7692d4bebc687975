import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { HttpRequest } from '../common/http';
import { secretMatchesHash, sha256Hex } from '../common/crypto';
import { stringField } from './form-field';
import { PageError } from './page-error';

// Every state-changing form carries the session's CSRF token (synchroniser token pattern).
// Digests are compared in constant time, so any input (any length, any characters) is a plain
// mismatch.
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const expected = request.browserSession?.data.csrfToken;
    const given = stringField(request.body, 'csrf_token');
    if (
      expected === undefined ||
      given === undefined ||
      !secretMatchesHash(given, sha256Hex(expected))
    ) {
      throw new PageError(
        403,
        'Form expired',
        'This form has expired. Go back, reload the page and try again.',
      );
    }
    return true;
  }
}
