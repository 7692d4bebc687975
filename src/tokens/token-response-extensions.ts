import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SignInContext } from '../authorization/openid-request';
import { Client } from '../clients/client.entity';
import { TokenResponse } from './token-response';

// A grant the token endpoint has just issued tokens for, inside the transaction that stores them.
export type IssuedGrant = {
  grantType: 'authorization_code' | 'password' | 'refresh_token';
  client: Client;
  userId: string;
  scope: string[];
  familyId: string;
  accessToken: string;
  // authorization_code only: the sign-in behind the code of an OpenID request.
  signIn: SignInContext | null;
};

// Adds members to a token response (the OpenID Connect module adds id_token), in the same
// transaction as the tokens.
export type TokenResponseExtension = (
  manager: EntityManager,
  issued: IssuedGrant,
) => Promise<Partial<TokenResponse>>;

// Where features above the token endpoint plug into its answers without the token endpoint
// knowing them: they register here when their module starts.
@Injectable()
export class TokenResponseExtensions {
  private readonly extensions: TokenResponseExtension[] = [];

  register(extension: TokenResponseExtension): void {
    this.extensions.push(extension);
  }

  async extend(
    manager: EntityManager,
    issued: IssuedGrant,
    response: TokenResponse,
  ): Promise<TokenResponse> {
    let extended = response;
    for (const extension of this.extensions) {
      extended = { ...extended, ...(await extension(manager, issued)) };
    }
    return extended;
  }
}
