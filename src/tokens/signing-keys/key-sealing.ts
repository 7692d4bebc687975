import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyUnsealError extends Error {
  constructor(readonly kid: string) {
    super(`signing key "${kid}" cannot be decrypted with this SIGNING_KEYS_SECRET`);
  }
}

// Private signing keys at rest: AES-256-GCM under a key derived from SIGNING_KEYS_SECRET with
// HKDF-SHA-256. The kid is authenticated data, so a sealed key copied onto another row does not
// open. Sealed form: v1.<iv>.<ciphertext>.<tag>, each part base64url.
export class KeySealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'portcullis signing keys', 32));
  }

  seal(kid: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(kid, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  // Throws KeyUnsealError when the secret, the kid or the sealed text does not match.
  open(kid: string, sealed: string): string {
    const [format, iv, ciphertext, tag, ...rest] = sealed
      .split('.')
      .map((part, index) => (index === 0 ? part : Buffer.from(part, 'base64url')));
    if (
      format !== FORMAT ||
      rest.length > 0 ||
      !(iv instanceof Buffer && iv.length === IV_BYTES) ||
      !(ciphertext instanceof Buffer) ||
      !(tag instanceof Buffer && tag.length === TAG_BYTES)
    ) {
      throw new KeyUnsealError(kid);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv)
        .setAAD(Buffer.from(kid, 'utf8'))
        .setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyUnsealError(kid);
    }
  }
}
