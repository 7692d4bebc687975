import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import { LessThan, Repository } from 'typeorm';
import { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { sha256Hex } from '../common/crypto';
import { isUniqueViolation } from '../common/database-errors';
import { Env } from '../config/env.validation';
import { ClientAssertionJti } from './client-assertion-jti.entity';
import { clientAuthenticationFailed } from './client-credentials';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
// An assertion is for one request: it may not live longer than this.
const MAX_LIFETIME_SECONDS = 600;
// A client's jwks_uri: fetched with this timeout, cached this long, fetched again at most this
// often when an unknown kid asks for it.
const JWKS_TIMEOUT_MS = 3000;
const JWKS_CACHE_MS = 5 * 60 * 1000;
const JWKS_COOLDOWN_MS = 2 * 1000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

// private_key_jwt (RFC 7523 §2.2 and §3, OpenID Connect Core §9): the client signs a JWT with
// iss = sub = its client_id, aud = the token endpoint (or the issuer), exp, and a jti used once.
// Every failure is the same 401 invalid_client; the reason is logged.
@Injectable()
export class ClientAssertions {
  private readonly logger = new Logger(ClientAssertions.name);
  private readonly audiences: string[];
  private readonly remoteSets = new Map<string, KeySet>();

  constructor(
    private readonly clients: ClientsService,
    @InjectRepository(ClientAssertionJti) private readonly jtis: Repository<ClientAssertionJti>,
    config: ConfigService<Env, true>,
  ) {
    const issuer = config.get('ISSUER', { infer: true });
    this.audiences = [
      issuer,
      `${issuer}/oauth/token`,
      `${issuer}/oauth/revoke`,
      `${issuer}/oauth/introspect`,
    ];
  }

  // The client the assertion authenticates; `clientId` is the form's client_id, if sent.
  async authenticate(assertion: string, clientId: string | undefined): Promise<Client> {
    const client = await this.claimedClient(assertion, clientId);
    const exp = await this.verified(assertion, client);
    await this.useOnce(client, assertion, exp);
    return client;
  }

  private async claimedClient(assertion: string, clientId: string | undefined): Promise<Client> {
    let claimed: unknown;
    try {
      claimed = decodeJwt(assertion).sub;
    } catch {
      throw this.refused('the assertion is not a JWT');
    }
    if (typeof claimed !== 'string' || (clientId !== undefined && clientId !== claimed)) {
      throw this.refused('sub is missing or differs from client_id');
    }
    const client = await this.clients.find(claimed);
    if (!client?.enabled || !client.usesKeys) {
      throw this.refused('unknown client, disabled, or not registered for private_key_jwt');
    }
    return client;
  }

  // The signature with the client's keys, iss, sub, aud and a bounded exp; answers exp.
  private async verified(assertion: string, client: Client): Promise<number> {
    try {
      const { payload } = await jwtVerify(assertion, this.keysOf(client), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: 5,
      });
      const exp = payload.exp as number;
      if (exp - Date.now() / 1000 > MAX_LIFETIME_SECONDS || typeof payload.jti !== 'string') {
        throw this.refused('exp is too far ahead, or jti is not a string');
      }
      return exp;
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        throw this.refused(`${error.code}: ${error.message}`);
      }
      throw error;
    }
  }

  // RFC 7523 §3 item 7: a jti is accepted once; the primary key decides across instances.
  private async useOnce(client: Client, assertion: string, exp: number): Promise<void> {
    const jti = decodeJwt(assertion).jti as string;
    await this.jtis.delete({ clientId: client.clientId, expiresAt: LessThan(new Date()) });
    try {
      await this.jtis.insert({
        clientId: client.clientId,
        jtiHash: sha256Hex(jti),
        expiresAt: new Date(exp * 1000),
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw this.refused('the assertion was already used (jti replayed)');
      }
      throw error;
    }
  }

  private keysOf(client: Client) {
    if (client.jwks) {
      return createLocalJWKSet(client.jwks);
    }
    const uri = client.jwksUri as string;
    let set = this.remoteSets.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: JWKS_TIMEOUT_MS,
        cacheMaxAge: JWKS_CACHE_MS,
        cooldownDuration: JWKS_COOLDOWN_MS,
      });
      this.remoteSets.set(uri, set);
    }
    return set;
  }

  private refused(reason: string) {
    this.logger.warn(`client assertion refused: ${reason}`);
    return clientAuthenticationFailed();
  }
}
