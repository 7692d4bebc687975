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
