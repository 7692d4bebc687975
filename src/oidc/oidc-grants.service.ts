import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import { RequestedClaims, SignInContext } from '../authorization/openid-request';
import { IssuedGrant } from '../tokens/token-response-extensions';
import { OidcGrant } from './oidc-grant.entity';

// The sign-in an OpenID grant's ID tokens describe.
export type GrantSignIn = {
  authTime: number;
  sid: string | null;
  amr: string[];
  claims: RequestedClaims | null;
};

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// One row per OpenID grant, written with its first tokens and read again by refreshes (which keep
// auth_time, Core §12.2) and by userinfo (the claims request).
@Injectable()
export class OidcGrantsService {
  constructor(@InjectRepository(OidcGrant) private readonly grants: Repository<OidcGrant>) {}

  // The sign-in for the tokens just issued: recorded for a code or a password grant, read back
  // for a refresh (null when the family is not an OpenID grant).
  async signInFor(manager: EntityManager, issued: IssuedGrant): Promise<GrantSignIn | null> {
    const grants = manager.getRepository(OidcGrant);
    if (issued.grantType === 'refresh_token') {
      const row = await grants.findOneBy({ familyId: issued.familyId });
      return row && signInOf(row);
    }
    const signIn: SignInContext = issued.signIn ?? {
      // The password grant: the user has just authenticated, with a password (RFC 8176).
      nonce: null,
      authTime: seconds(new Date()),
      sid: null,
      amr: ['pwd'],
      claims: null,
    };
    await grants.insert({
      familyId: issued.familyId,
      clientId: issued.client.clientId,
      userId: issued.userId,
      sid: signIn.sid,
      authTime: new Date(signIn.authTime * 1000),
      amr: signIn.amr.join(' '),
      claims: signIn.claims ? JSON.stringify(signIn.claims) : null,
      createdAt: new Date(),
    });
    return signIn;
  }

  // The clients a browser session signed into (Back-Channel Logout §2.5).
  async clientsOfSession(manager: EntityManager, sid: string): Promise<string[]> {
    const rows = await manager
      .getRepository(OidcGrant)
      .find({ where: { sid }, select: ['clientId'] });
    return [...new Set(rows.map((row) => row.clientId))];
  }

  // The browser sessions (client, user and sid) in which these grants were given.
  async sessionsOf(
    manager: EntityManager,
    grants: { clientId?: string; userId?: string },
  ): Promise<{ clientId: string; userId: string; sid: string }[]> {
    const rows = await manager.getRepository(OidcGrant).find({
      where: { clientId: grants.clientId, userId: grants.userId, sid: Not(IsNull()) },
      select: ['clientId', 'userId', 'sid'],
    });
    const unique = new Map(rows.map((row) => [`${row.clientId} ${row.userId} ${row.sid}`, row]));
    return [...unique.values()].map((row) => ({
      clientId: row.clientId,
      userId: row.userId,
      sid: row.sid as string,
    }));
  }

  async find(familyId: string): Promise<GrantSignIn | null> {
    const row = await this.grants.findOneBy({ familyId });
    return row && signInOf(row);
  }
}

function signInOf(row: OidcGrant): GrantSignIn {
  return {
    authTime: seconds(row.authTime),
    sid: row.sid,
    amr: row.amr.split(' ').filter(Boolean),
    claims: row.claims ? (JSON.parse(row.claims) as RequestedClaims) : null,
  };
}
