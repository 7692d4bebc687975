import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const SCOPES_KEY = 'portcullis:scopes';
export const PUBLIC_KEY = 'portcullis:public';

// Every listed scope is required (RFC 6750 §3.1 insufficient_scope names them).
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const TokenClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<{ tokenClaims?: Record<string, unknown> }>().tokenClaims,
);
