import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, LessThan, LessThanOrEqual, Repository } from 'typeorm';
import { ClientsService } from '../clients/clients.service';
import { Env } from '../config/env.validation';
import { BrowserSession, SessionService } from '../pages/session.service';
import { RevocationService } from '../tokens/revocation.service';
import { SigningKeysService } from '../tokens/signing-keys/signing-keys.service';
import { UsersService } from '../users/users.service';
import { BackchannelLogout } from './backchannel-logout.entity';
import { OidcGrantsService } from './oidc-grants.service';

// Back-Channel Logout 1.0 §2.4
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const LOGOUT_TOKEN_TTL_SECONDS = 120;
// Delivery: a short timeout, retried with exponential backoff (2 s, 4 s, … capped at an hour),
// given up after MAX_ATTEMPTS.
const REQUEST_TIMEOUT_MS = 5_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 3_600_000;
const MAX_ATTEMPTS = 10;
const LEASE_MS = 30_000;
const POLL_MS = 2_000;
const BATCH = 20;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// When a browser session is signed out, every client it signed into that registered a
// backchannel_logout_uri gets a logout token. The token is written to the outbox in the sign-out's
// transaction; delivery runs after, in the background, so it can neither slow nor fail the
// sign-out. Instances sharing the database take each row under a lease (a conditional UPDATE), so
// one row has one delivery attempt at a time. Requests go only to the client's registered URI,
// with a timeout, no redirects followed and the response body never read.
@Injectable()
export class BackchannelLogoutService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BackchannelLogout');
  private readonly issuer: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @InjectRepository(BackchannelLogout) private readonly outbox: Repository<BackchannelLogout>,
    private readonly grants: OidcGrantsService,
    private readonly clients: ClientsService,
    private readonly keys: SigningKeysService,
    private readonly sessions: SessionService,
    private readonly revocation: RevocationService,
    private readonly users: UsersService,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  onApplicationBootstrap(): void {
    this.sessions.onSessionEnd((manager, session) => this.enqueue(manager, session));
    // A user revoking an app (or an operator rejecting it) logs the user out of it.
    this.revocation.onGrantsRevoked((manager, grants) => this.enqueueForGrants(manager, grants));
    // An operator disabling a user ends the user's sessions for every client.
    this.users.onUserDisabled((userId) => this.enqueueForGrants(this.outbox.manager, { userId }));
    this.timer = setInterval(() => this.deliverSoon(), POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
    }
    await this.running;
  }

  // The outbox, newest first, for operators.
  list(limit: number, offset: number): Promise<BackchannelLogout[]> {
    return this.outbox.find({ order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
  }

  private async enqueue(manager: EntityManager, session: BrowserSession): Promise<void> {
    const sid = session.data.sid;
    const sub = session.userId;
    if (!sid || !sub) {
      return;
    }
    await this.enqueueFor(manager, await this.grants.clientsOfSession(manager, sid), sub, sid);
  }

  private async enqueueForGrants(
    manager: EntityManager,
    grants: { clientId?: string; userId?: string },
  ): Promise<void> {
    for (const { clientId, userId, sid } of await this.grants.sessionsOf(manager, grants)) {
      await this.enqueueFor(manager, [clientId], userId, sid);
    }
  }

  private async enqueueFor(
    manager: EntityManager,
    clientIds: string[],
    sub: string,
    sid: string,
  ): Promise<void> {
    const now = new Date();
    for (const clientId of clientIds) {
      const client = await this.clients.find(clientId, manager);
      if (!client?.backchannelLogoutUri) {
        continue;
      }
      const signer = await this.keys.signerWith(client.idTokenSignedResponseAlg, manager);
      const logoutToken = await new SignJWT({
        sid,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'logout+jwt' })
        .setIssuer(this.issuer)
        .setSubject(sub)
        .setAudience(client.clientId)
        .setIssuedAt(seconds(now))
        .setExpirationTime(seconds(now) + LOGOUT_TOKEN_TTL_SECONDS)
        .setJti(randomUUID())
        .sign(signer.key);
      await manager.getRepository(BackchannelLogout).insert({
        id: randomUUID(),
        clientId: client.clientId,
        logoutToken,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        lastError: null,
        createdAt: now,
        deliveredAt: null,
      });
    }
    // After the commit: the sign-out answers first.
    setTimeout(() => this.deliverSoon(), 50).unref();
  }

  // One delivery round at a time per instance.
  private deliverSoon(): void {
    this.running ??= this.deliverDue()
      .catch((error: unknown) => this.logger.error(String(error)))
      .finally(() => {
        this.running = null;
      });
  }

  async deliverDue(): Promise<void> {
    const now = new Date();
    const due = await this.outbox.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    for (const row of due) {
      if (await this.lease(row, now)) {
        await this.attempt(row);
      }
    }
  }

  private async lease(row: BackchannelLogout, now: Date): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const free = row.leaseUntil === null ? IsNull() : LessThan(now);
    const { affected } = await this.outbox.update(
      { id: row.id, status: 'pending', leaseUntil: free },
      { leaseUntil },
    );
    return affected === 1;
  }

  private async attempt(row: BackchannelLogout): Promise<void> {
    const client = await this.clients.find(row.clientId);
    const problem = client?.backchannelLogoutUri
      ? await post(client.backchannelLogoutUri, row.logoutToken)
      : 'the client no longer has a backchannel_logout_uri';
    const attempts = row.attempts + 1;
    if (problem === null) {
      await this.outbox.update(row.id, {
        status: 'delivered',
        attempts,
        leaseUntil: null,
        lastError: null,
        deliveredAt: new Date(),
      });
      return;
    }
    const giveUp = attempts >= MAX_ATTEMPTS || !client?.backchannelLogoutUri;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
    await this.outbox.update(row.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      leaseUntil: null,
      lastError: problem.slice(0, 500),
      nextAttemptAt: new Date(Date.now() + delay),
    });
  }
}

// Back-Channel Logout §2.5: a form POST of logout_token; 200 (or 204) is success. Answers the
// problem, or null.
async function post(uri: string, logoutToken: string): Promise<string | null> {
  try {
    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.status === 200 || response.status === 204
      ? null
      : `the receiver answered ${response.status}`;
  } catch (error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    if (name === 'TimeoutError') {
      return `the request timed out after ${REQUEST_TIMEOUT_MS / 1000} s`;
    }
    return typeof message === 'string' ? `the request failed: ${message}` : 'the request failed';
  }
}
