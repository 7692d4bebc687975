import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { hydrate, selectColumns } from '../database/prepared-select';
import { Sql } from '../database/sql';
import { inTransaction } from '../database/transactions';
import { generateOpaqueSecret } from '../common/crypto';
import { Env } from '../config/env.validation';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { PageError } from './page-error';
import { Session } from './session.entity';

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
// A session nobody has signed in to only carries a CSRF token and what features keep in it.
const ANONYMOUS_TTL_SECONDS = 60 * 60;

// What features keep in a browser session besides the shell's own fields: each adds its fields
// by declaration merging (the authorization endpoint keeps its pending requests there). All of it
// is carried over when the user signs in.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions, @typescript-eslint/no-empty-object-type
export interface SessionFeatures {}

export type SessionData = SessionFeatures & {
  csrfToken: string;
  authTime?: number;
  // When the user signed in (ms): a session signed in before the account was disabled or its
  // password changed (users.tokensInvalidBefore) is signed out for good.
  signedInAt?: number;
  // OpenID Connect: the id of this sign-in as relying parties see it (the `sid` claim), never the
  // cookie's.
  sid?: string;
  // The signed-in page to show after login when there is nothing else to resume (SignedInGuard):
  // a path of ours from the route's declaration, never a URL from the request.
  returnTo?: string;
};

export type BrowserSession = {
  id: string;
  userId: string | null;
  data: SessionData;
  // The stored version this copy was read at; null until it is first stored.
  version: number | null;
  // Set when the cookie must be (re)sent.
  isNew: boolean;
  // The session's user as read with it, if enabled (null: none, or disabled); undefined when not
  // read with it (a new session, or one signed in since).
  user?: User | null;
};

// Told inside the transaction that deletes a signed-in session ended by its user (sign-out), so
// what a feature records about it commits with the deletion.
export type SessionEndListener = (manager: EntityManager, session: BrowserSession) => Promise<void>;

// Another request of the same browser changed the session first (say, a second click on
// Approve): this request's changes are dropped.
export class SessionConflict extends PageError {
  constructor() {
    super(
      409,
      'Already answered',
      'This request was answered in another window. Go back to the application.',
    );
  }
}

// Server-side sessions in the database, shared by every instance. The cookie carries a 256-bit
// random id; the table holds only its HMAC (keyed with SESSION_SECRET). Writes are conditional on
// the version read, so concurrent requests of one browser cannot both consume a pending request.
@Injectable()
export class SessionService {
  private readonly logger = new Logger('Sessions');
  private readonly secret: string;
  private readonly byIdHash: string;
  private readonly sql: Sql;
  private readonly endListeners: SessionEndListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly users: UsersService,
    config: ConfigService<Env, true>,
  ) {
    this.secret = config.get('SESSION_SECRET', { infer: true });
    // The session and its user, if enabled, in one read: every signed-in page needs both.
    this.byIdHash = `SELECT ${selectColumns(dataSource, Session, 's')}, ${selectColumns(dataSource, User, 'u')}
      FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND u.enabled = 1
      WHERE s.id_hash = ?`;
    this.sql = new Sql(dataSource);
  }

  async load(id: string | undefined): Promise<BrowserSession | null> {
    if (!id || id.length > 64) {
      return null;
    }
    const raw = await this.sql.row(null, this.byIdHash, [this.hashId(id)]);
    if (!raw) {
      return null;
    }
    const row = hydrate(this.dataSource, Session, raw, 's');
    if (row.expiresAt <= new Date()) {
      return null;
    }
    const data = parseSessionData(row.data);
    const user = raw.u_id === null ? null : hydrate(this.dataSource, User, raw, 'u');
    return data && { id, userId: row.userId, data, version: row.version, isNew: false, user };
  }

  // A new session, stored by the first save().
  create(): BrowserSession {
    return {
      id: generateOpaqueSecret(32),
      userId: null,
      data: { csrfToken: generateOpaqueSecret(32) },
      version: null,
      isNew: true,
    };
  }

  // Stores the session; throws SessionConflict when another request saved it since it was read.
  async save(session: BrowserSession): Promise<void> {
    const now = Date.now();
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

  // The signed-in user, while the account is enabled and has not been disabled or given a new
  // password since this sign-in (ASVS V7.4). Otherwise this copy is signed out, so the next save
  // stores it signed out: enabling the account again brings it back to no session.
  async signedInUser(session: BrowserSession): Promise<User | null> {
    if (session.userId === null) {
      return null;
    }
    const user =
      session.user === undefined ? await this.users.findEnabledById(session.userId) : session.user;
    if (user && isSignedInSince(session.data, user.tokensInvalidBefore)) {
      return user;
    }
    session.userId = null;
    delete session.data.authTime;
    delete session.data.signedInAt;
    delete session.data.sid;
    return null;
  }

  // Login: a new id (and CSRF token) for the signed-in user, keeping what features stored (the
  // pending requests); the old id stops working at once (session fixation).
  async signIn(session: BrowserSession, userId: string): Promise<BrowserSession> {
    await this.spend(session);
    const now = Date.now();
    const signedIn = this.create();
    signedIn.userId = userId;
    signedIn.data = {
      ...session.data,
      csrfToken: signedIn.data.csrfToken,
      authTime: Math.floor(now / 1000),
      signedInAt: now,
      sid: generateOpaqueSecret(16),
    };
    await this.save(signedIn);
    return signedIn;
  }

  // Deletes the session as it was read: of several sign-ins posted at once from one form, only the
  // first goes on (SessionConflict for the others), so its pending requests are resumed once and
  // one signed-in session comes of it.
  private async spend(session: BrowserSession): Promise<void> {
    if (session.version === null) {
      return;
    }
    const { affected } = await this.sessions.delete({
      idHash: this.hashId(session.id),
      version: session.version,
    });
    if (affected !== 1) {
      throw new SessionConflict();
    }
  }

  onSessionEnd(listener: SessionEndListener): void {
    this.endListeners.push(listener);
  }

  // The user signs out: the listeners record it and the session is deleted, in one transaction.
  // A listener's failure never keeps the user signed in: it is logged and the session deleted.
  async signOut(session: BrowserSession): Promise<void> {
    if (session.userId === null || this.endListeners.length === 0) {
      await this.destroy(session);
      return;
    }
    try {
      await inTransaction(this.dataSource, async (manager) => {
        for (const listener of this.endListeners) {
          await listener(manager, session);
        }
        await manager.getRepository(Session).delete({ idHash: this.hashId(session.id) });
      });
    } catch (error) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      await this.destroy(session);
    }
  }

  async destroy(session: BrowserSession): Promise<void> {
    await this.sessions.delete({ idHash: this.hashId(session.id) });
  }

  private hashId(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('hex');
  }
}

// When this session signed in (ms). Sessions from before signedInAt was kept fall back to authTime
// (whole seconds, so a session signed in within the same second as an invalidation counts as
// before it).
export function signedInAt(data: SessionData): number {
  return data.signedInAt ?? (data.authTime ?? 0) * 1000;
}

function isSignedInSince(data: SessionData, invalidBefore: Date | null): boolean {
  return invalidBefore === null || signedInAt(data) > invalidBefore.getTime();
}

// A row that does not hold session data (cut short, edited by hand) is no session at all.
function parseSessionData(text: string): SessionData | null {
  try {
    const data = JSON.parse(text) as Partial<SessionData> | null;
    return typeof data?.csrfToken === 'string' ? (data as SessionData) : null;
  } catch {
    return null;
  }
}
