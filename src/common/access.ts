import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { HttpRequest } from './http';

export const ADMIN_ONLY = 'portcullis:admin-only';
export const REQUIRED_SCOPES = 'portcullis:required-scopes';

const bearerResponses = () => [
  ApiBearerAuth(),
  ApiUnauthorizedResponse({ description: 'No token, or an invalid one' }),
  ApiForbiddenResponse({ description: 'A valid token without the scope the route needs' }),
];

// Marks a route (or controller) as admin-only. The global AccessGuard enforces it: callers present
// `Authorization: Bearer <ADMIN_API_KEY>` or an access token with scope `admin` of an admin user.
export const AdminOnly = () => applyDecorators(SetMetadata(ADMIN_ONLY, true), ...bearerResponses());

// Marks a route as needing a valid access token carrying every scope listed (none listed: any
// valid token). The global AccessGuard enforces it and hands the route the token's principal.
export const Scopes = (...scopes: string[]) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ...bearerResponses());

// Who an access token was issued to, as far as routes need to know.
export type TokenPrincipal = {
  clientId: string;
  scopes: string[];
  user: {
    id: string;
    username: string;
    email: string | null;
    name: string | null;
    isAdmin: boolean;
  };
};

export type RequestWithPrincipal = HttpRequest & { principal?: TokenPrincipal };

// The principal of the access token that AccessGuard accepted for this request.
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TokenPrincipal => {
    const { principal } = context.switchToHttp().getRequest<RequestWithPrincipal>();
    if (!principal) {
      throw new Error('@Principal() used on a route without @Scopes()');
    }
    return principal;
  },
);
