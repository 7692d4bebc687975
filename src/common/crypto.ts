import { createHash, randomFillSync, randomUUID, timingSafeEqual } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time and each is handed out once: a call of randomBytes() per
// secret cost more than the secret's SHA-256 (every grant makes two or three). randomUUID() keeps
// such a pool too.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

// 32 random bytes = 256 bits, base64url without padding (43 characters).
export function generateOpaqueSecret(bytes = 32): string {
  if (bytes > POOL_BYTES) {
    throw new RangeError(`at most ${POOL_BYTES} bytes`);
  }
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const secret = pool.toString('base64url', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return secret;
}

// A client_id: 128 random bits, base64url (22 characters), starting with a letter or a digit, so
// that `--client_id ID` on the command line is never read as an option (a draw that starts with
// `-` or `_` is drawn again; the ids stay uniform over the rest).
export function generateClientId(): string {
  for (;;) {
    const id = generateOpaqueSecret(16);
    if (/^[A-Za-z0-9]/.test(id)) {
      return id;
    }
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

// Compares a presented secret with a stored SHA-256 hash in constant time. The presented value is
// always hashed first, so the stored hash itself never works as the secret.
export function secretMatchesHash(presented: string, storedHashHex: string): boolean {
  const presentedHash = createHash('sha256').update(presented, 'utf8').digest();
  const storedHash = Buffer.from(storedHashHex, 'hex');
  return storedHash.length === presentedHash.length && timingSafeEqual(presentedHash, storedHash);
}

// The id of a row written on a hot path (tokens, their families, codes, audit events): a UUID
// version 7 (RFC 9562 §5.7), the milliseconds since 1970 in its first 48 bits and 74 random bits
// after. Ids made one after another sort one after another, so a new row goes at the end of the
// primary key's index (one page, the same page for rows written together) instead of a random
// page of it: on SQLite a token insert costs about a quarter less, and InnoDB keeps its
// clustered index in order. Only for rows whose id is no secret: the creation time can be read
// from it.
export function timeOrderedId(now = Date.now()): string {
  // A version 4 UUID's last 74 random bits (after its version digit, with its variant), behind
  // the time: randomUUID() draws from a pool, and this is the hot path's one id per row.
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
