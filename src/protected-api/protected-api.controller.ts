import { Controller, Get, Header } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OAuthErrorBody } from '../common/openapi';
import { Principal, Scopes, TokenPrincipal } from '../common/access';

export type MeResponse = { sub: string; username: string; email?: string; name?: string };

@ApiTags('protected API')
@Controller('api')
export class ProtectedApiController {
  // The signed-in user, as far as the token's scopes allow: email needs `email`, name `profile`.
  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The user the access token was issued for' })
  @ApiOkResponse({
    description: 'sub and username always; email with scope email, name with scope profile',
    schema: {
      type: 'object',
      properties: {
        sub: { type: 'string' },
        username: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
      },
      required: ['sub', 'username'],
    },
  })
  @ApiBadRequestResponse({
    type: OAuthErrorBody,
    description: 'invalid_request: two tokens at once',
  })
  @ApiUnauthorizedResponse({
    type: OAuthErrorBody,
    description: 'no token (WWW-Authenticate: Bearer realm="portcullis"), or invalid_token',
  })
  @ApiForbiddenResponse({ type: OAuthErrorBody, description: 'insufficient_scope' })
  @Scopes()
  @Header('Cache-Control', 'no-store')
  me(@Principal() principal: TokenPrincipal): MeResponse {
    const { user, scopes } = principal;
    return {
      sub: user.id,
      username: user.username,
      ...(scopes.includes('email') && user.email !== null ? { email: user.email } : {}),
      ...(scopes.includes('profile') && user.name !== null ? { name: user.name } : {}),
    };
  }
}
