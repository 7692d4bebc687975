import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// 32 random bytes = 256 bits, base64url without padding (43 characters).
export function generateOpaqueSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
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
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
