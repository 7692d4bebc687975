import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PageError } from './page-error';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

// Every state-changing form carries the session's CSRF token (synchroniser token pattern).
// Digests are compared, so any input (any length, any characters) is a plain mismatch.
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const expected = request.browserSession?.data.csrfToken;
    const given: unknown = (request.body as Record<string, unknown> | undefined)?.csrf_token;
    if (
      expected === undefined ||
      typeof given !== 'string' ||
      !timingSafeEqual(digest(given), digest(expected))
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
