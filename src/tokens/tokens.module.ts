import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { AuditModule } from '../audit/audit.module';
import { AuthorizationModule } from '../authorization/authorization.module';
import { ClientsModule } from '../clients/clients.module';
import { UsersModule } from '../users/users.module';
import { AccessToken } from './access-token.entity';
import { AccessTokensService } from './access-tokens.service';
import { ClientAuthGuard } from './client-auth.guard';
import { ClientAssertionJti } from './client-assertion-jti.entity';
import { ClientAssertions } from './client-assertions';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';
import { RefreshTokenFamilies } from './refresh-token-families.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { RefreshTokenStore } from './refresh-token.store';
import { ResourceTargets } from './resource-targets.service';
import { TokenIssuer } from './token-issuer.service';
import { TokenResponseExtensions } from './token-response-extensions';
import { TokensController } from './tokens.controller';
import { IntrospectionController } from './introspection.controller';
import { MetadataController } from './metadata.controller';
import { IntrospectionService } from './introspection.service';
import { RevocationController } from './revocation.controller';
import { RevocationService } from './revocation.service';
import { HeldGrantsService } from './held-grants.service';
import { TokensService } from './tokens.service';
import { TokenRateLimits } from './rate-limit/token-rate-limits.service';
import { JwtAccessTokens } from './jwt-access-tokens';
import { JwksController } from './signing-keys/jwks.controller';
import { SigningKey } from './signing-keys/signing-key.entity';
import { SigningKeysService } from './signing-keys/signing-keys.service';

// The token endpoint and its grants, revocation and introspection, signing keys and their JWK Set,
// access-token verification for the global AccessGuard, and revoking a user's grants to a client.
@Module({
  imports: [
    TypeOrmModule.forFeature([
      AccessToken,
      RefreshToken,
      RefreshTokenFamily,
      SigningKey,
      ClientAssertionJti,
    ]),
    UsersModule,
    ClientsModule,
    AuthorizationModule,
    AuditModule,
    ApisModule,
  ],
  controllers: [
    TokensController,
    RevocationController,
    IntrospectionController,
    MetadataController,
    JwksController,
  ],
  providers: [
    AccessTokensService,
    RefreshTokensService,
    RefreshTokenStore,
    RefreshTokenFamilies,
    TokenIssuer,
    TokensService,
    TokenRateLimits,
    RevocationService,
    HeldGrantsService,
    IntrospectionService,
    ClientAuthGuard,
    ClientAssertions,
    AuthorizationCodeGrant,
    PasswordGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    ResourceTargets,
    SigningKeysService,
    JwtAccessTokens,
    TokenResponseExtensions,
  ],
  exports: [
    AccessTokensService,
    RevocationService,
    HeldGrantsService,
    TokenResponseExtensions,
    SigningKeysService,
  ],
})
export class TokensModule {}
