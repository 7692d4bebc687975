import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal, Scopes, TokenPrincipal } from '../common/access';

export type MeResponse = { sub: string; username: string; email?: string; name?: string };

@ApiTags('protected API')
@Controller('api')
export class ProtectedApiController {
  // The signed-in user, as far as the token's scopes allow: email needs `email`, name `profile`.
  @Get('me')
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
