// An opt-in alternative to oidc-provider's default in-memory adapter (server.mjs uses it when
// BENCH_ADAPTER=lean). The default adapter keeps, for every grant, a Map of its tokens that it
// copies and scans (and spreads into Math.max) on every token write. A grant gains a refresh and
// an access token at each refresh, and a code and two tokens at each authorize+token op, so the
// cost of one op grows with the number of ops run on the same grant: over a long run at a few
// workers it dominates the profile and throughput halves. Production adapters (Redis, SQL) add a
// token to its grant in constant time; so does this one, with a Set per grant. Entries are never
// evicted (the default one keeps only the ~2000 most recently used), so memory grows with the run.
import { GRANTABLE_MODELS } from './grantable.mjs';

const store = new Map(); // `${model}:${id}` -> { payload, expiresAt }
const grants = new Map(); // grantId -> Set of store keys
const sessionUids = new Map(); // session uid -> session id
const userCodes = new Map(); // device flow user code -> id

const GRANTABLE = new Set(GRANTABLE_MODELS);

export default class LeanAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const previous = store.get(key);
    if (previous) {
      removeIndexes(key, previous.payload);
    }
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    store.set(key, { payload, expiresAt });
    if (GRANTABLE.has(this.model) && payload.grantId) {
      let members = grants.get(payload.grantId);
      if (!members) {
        members = new Set();
        grants.set(payload.grantId, members);
      }
      members.add(key);
    }
    if (this.model === 'Session') {
      sessionUids.set(payload.uid, id);
    }
    if (payload.userCode) {
      userCodes.set(payload.userCode, id);
    }
  }

  async find(id) {
    const key = this.key(id);
    const entry = store.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    return entry.payload;
  }

  async findByUid(uid) {
    const id = sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) {
      entry.payload.consumed = Math.floor(Date.now() / 1000);
    }
  }

  async destroy(id) {
    remove(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) {
      remove(key);
    }
    grants.delete(grantId);
  }
}

function remove(key) {
  const entry = store.get(key);
  if (entry) {
    store.delete(key);
    removeIndexes(key, entry.payload);
  }
}

function removeIndexes(key, { grantId, uid, userCode }) {
  const id = key.slice(key.indexOf(':') + 1);
  grants.get(grantId)?.delete(key);
  if (key.startsWith('Session:') && sessionUids.get(uid) === id) {
    sessionUids.delete(uid);
  }
  if (userCode !== undefined && userCodes.get(userCode) === id) {
    userCodes.delete(userCode);
  }
}
