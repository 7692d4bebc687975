import { generateOpaqueSecret } from '../common/crypto';
import type { BrowserSession } from '../pages/session.service';
import type { AuthorizationRequest } from './authorization-request';

// A validated authorization request waiting in the browser's session for sign-in or consent. The
// browser names it by id; what it asks for is read from here, never from a form.
// `forceSignIn`: the user must sign in again even though signed in (prompt=login, max_age, a hint
// naming someone else).
export type PendingAuthorization = AuthorizationRequest & {
  id: string;
  createdAt: number;
  forceSignIn?: boolean;
};

declare module '../pages/session.service' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface SessionFeatures {
    pending?: Record<string, PendingAuthorization>;
    // The pending request to resume after login: a server-side reference, never a URL.
    resumeAfterLogin?: string;
  }
}

const PENDING_TTL_MS = 10 * 60 * 1000;
// A session holds this many pending requests at most (each is bounded by MAX_PARAM_LENGTH).
const MAX_PENDING = 5;

export function addPending(
  session: BrowserSession,
  request: AuthorizationRequest,
  forceSignIn = false,
): PendingAuthorization {
  const pending = {
    ...request,
    id: generateOpaqueSecret(16),
    createdAt: Date.now(),
    ...(forceSignIn ? { forceSignIn } : {}),
  };
  const kept = livePending(session)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_PENDING - 1);
  session.data.pending = Object.fromEntries([...kept, pending].map((item) => [item.id, item]));
  return pending;
}

// Removes the pending request from this copy of the session; the save() that follows decides
// whether this request was the one to take it (SessionService writes are conditional).
export function takePending(session: BrowserSession, id: string): void {
  delete session.data.pending?.[id];
}

export function findPending(
  session: BrowserSession,
  id: string | undefined,
): PendingAuthorization | undefined {
  return id === undefined ? undefined : livePending(session).find((pending) => pending.id === id);
}

// The requests not yet expired; expired ones are dropped from the session.
function livePending(session: BrowserSession): PendingAuthorization[] {
  const now = Date.now();
  const all = Object.values(session.data.pending ?? {});
  const live = all.filter((pending) => now - pending.createdAt <= PENDING_TTL_MS);
  if (live.length !== all.length) {
    session.data.pending = Object.fromEntries(live.map((item) => [item.id, item]));
  }
  return live;
}
