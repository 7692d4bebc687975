import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { generateOpaqueSecret } from '../common/crypto';
import { Env } from '../config/env.validation';
import { AuthorizationRequest } from './authorization-request';
import { Session } from './session.entity';

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
// A session nobody has signed in to only carries a CSRF token and pending requests.
const ANONYMOUS_TTL_SECONDS = 60 * 60;
const PENDING_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 5;

export type PendingAuthorization = AuthorizationRequest & { id: string; createdAt: number };

export type SessionData = {
  csrfToken: string;
  authTime?: number;
  // The pending request to resume after login: a server-side reference, never a URL.
  resumeAfterLogin?: string;
  // The signed-in page to show after login when there is no request to resume (see SignedInGuard).
  returnTo?: string;
  pending: Record<string, PendingAuthorization>;
};

export type BrowserSession = {
  id: string;
  userId: string | null;
  data: SessionData;
  // The stored version this copy was read at; null until it is first stored.
  version: number | null;
  // Set when the cookie must be (re)sent.
  isNew: boolean;
};

// Another request of the same browser changed the session first (say, a second click on
// Approve): this request's changes are dropped.
export class SessionConflict extends Error {
  constructor() {
    super('the session was changed by another request');
  }
}

// Server-side sessions in the database, shared by every instance. The cookie carries a 256-bit
// random id; the table holds only its HMAC (keyed with SESSION_SECRET). Writes are conditional on
// the version read, so concurrent requests of one browser cannot both consume a pending request.
@Injectable()
export class SessionService {
  private readonly secret: string;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    config: ConfigService<Env, true>,
  ) {
    this.secret = config.get('SESSION_SECRET', { infer: true });
  }

  async load(id: string | undefined): Promise<BrowserSession | null> {
    if (!id || id.length > 64) {
      return null;
    }
    const row = await this.sessions.findOneBy({ idHash: this.hashId(id) });
    if (!row || row.expiresAt <= new Date()) {
      return null;
    }
    const data = parseSessionData(row.data);
    return data && { id, userId: row.userId, data, version: row.version, isNew: false };
  }

  // A new session, stored by the first save().
  create(): BrowserSession {
    return {
      id: generateOpaqueSecret(32),
      userId: null,
      data: { csrfToken: generateOpaqueSecret(32), pending: {} },
      version: null,
      isNew: true,
    };
  }

  // Stores the session; throws SessionConflict when another request saved it since it was read.
  async save(session: BrowserSession): Promise<void> {
    const now = Date.now();
    this.dropStalePending(session, now);
    const fields = {
      userId: session.userId,
      data: JSON.stringify(session.data),
      expiresAt: new Date(
        now + (session.userId === null ? ANONYMOUS_TTL_SECONDS : SESSION_TTL_SECONDS) * 1000,
      ),
      updatedAt: new Date(now),
    };
    const idHash = this.hashId(session.id);
    if (session.version === null) {
      await this.sessions.delete({ expiresAt: LessThan(new Date(now)) });
      await this.sessions.insert({ idHash, ...fields, version: 0 });
      session.version = 0;
      return;
    }
    const next = session.version + 1;
    const { affected } = await this.sessions.update(
      { idHash, version: session.version },
      { ...fields, version: next },
    );
    if (affected !== 1) {
      throw new SessionConflict();
    }
    session.version = next;
  }

  // Login: a new id (and CSRF token) for the signed-in user, keeping the pending requests; the old
  // id stops working at once (session fixation).
  async signIn(session: BrowserSession, userId: string): Promise<BrowserSession> {
    await this.destroy(session);
    const signedIn = this.create();
    signedIn.userId = userId;
    signedIn.data.pending = session.data.pending;
    signedIn.data.resumeAfterLogin = session.data.resumeAfterLogin;
    signedIn.data.returnTo = session.data.returnTo;
    signedIn.data.authTime = Math.floor(Date.now() / 1000);
    await this.save(signedIn);
    return signedIn;
  }

  async destroy(session: BrowserSession): Promise<void> {
    await this.sessions.delete({ idHash: this.hashId(session.id) });
  }

  addPending(session: BrowserSession, request: AuthorizationRequest): PendingAuthorization {
    const pending = { ...request, id: generateOpaqueSecret(16), createdAt: Date.now() };
    const kept = Object.values(session.data.pending)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, MAX_PENDING - 1);
    session.data.pending = Object.fromEntries([...kept, pending].map((item) => [item.id, item]));
    return pending;
  }

  // Removes the pending request from this copy of the session; the save() that follows decides
  // whether this request was the one to take it.
  takePending(session: BrowserSession, id: string): void {
    delete session.data.pending[id];
  }

  findPending(session: BrowserSession, id: string | undefined): PendingAuthorization | undefined {
    this.dropStalePending(session, Date.now());
    return id !== undefined && Object.hasOwn(session.data.pending, id)
      ? session.data.pending[id]
      : undefined;
  }

  private dropStalePending(session: BrowserSession, now: number): void {
    for (const [id, pending] of Object.entries(session.data.pending)) {
      if (now - pending.createdAt > PENDING_TTL_MS) {
        delete session.data.pending[id];
      }
    }
  }

  private hashId(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('hex');
  }
}

// A row that does not hold session data (cut short, edited by hand) is no session at all.
function parseSessionData(text: string): SessionData | null {
  try {
    const data = JSON.parse(text) as Partial<SessionData> | null;
    return typeof data?.csrfToken === 'string' && typeof data.pending === 'object' && data.pending
      ? (data as SessionData)
      : null;
  } catch {
    return null;
  }
}
