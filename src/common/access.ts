import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const ADMIN_ONLY = 'portcullis:admin-only';

// Marks a route (or controller) as admin-only. The global AccessGuard enforces it: callers present
// `Authorization: Bearer <ADMIN_API_KEY>` or an access token with scope `admin` of an admin user.
export const AdminOnly = () =>
  applyDecorators(
    SetMetadata(ADMIN_ONLY, true),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No credentials, or an invalid one' }),
    ApiForbiddenResponse({ description: 'A valid token without the admin role and scope' }),
  );

// Who an access token was issued to, as far as access decisions need to know.
export type TokenPrincipal = {
  clientId: string;
  userId: string | null;
  scopes: string[];
  isAdminUser: boolean;
};

// Implemented by the tokens module (which verifies access tokens) and picked up by AccessGuard.
// Until a module provides it, admin routes accept only the ADMIN_API_KEY.
export abstract class AccessTokenVerifier {
  abstract verify(token: string): Promise<TokenPrincipal | null>;
}
