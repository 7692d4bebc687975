import { KeySealer, KeyUnsealError } from './key-sealing';

const SECRET = 'a-signing-keys-secret-of-32-characters!';
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

describe('KeySealer', () => {
  const sealer = new KeySealer(SECRET);

  it('should open what it sealed for the same kid', () => {
    expect(sealer.open('kid-1', sealer.seal('kid-1', PEM))).toBe(PEM);
  });

  it('should never store the plaintext and use a fresh IV each time', () => {
    const first = sealer.seal('kid-1', PEM);
    const second = sealer.seal('kid-1', PEM);
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(first).not.toContain('PRIVATE KEY');
    expect(first).not.toBe(second);
  });

  it('should refuse another secret', () => {
    const sealed = sealer.seal('kid-1', PEM);
    expect(() => new KeySealer(`${SECRET}x`).open('kid-1', sealed)).toThrow(
      new KeyUnsealError('kid-1'),
    );
  });

  it('should refuse a sealed key moved to another kid', () => {
    expect(() => sealer.open('kid-2', sealer.seal('kid-1', PEM))).toThrow(KeyUnsealError);
  });

  // Replaces part `index` of the sealed form (0 format, 1 IV, 2 ciphertext, 3 tag).
  const changePart = (index: number, change: (part: string) => string) => (sealed: string) =>
    sealed
      .split('.')
      .map((part, i) => (i === index ? change(part) : part))
      .join('.');
  const flipFirstByte = (part: string) => {
    const bytes = Buffer.from(part, 'base64url');
    bytes[0] ^= 1;
    return bytes.toString('base64url');
  };

  it.each([
    ['a changed IV', changePart(1, flipFirstByte)],
    ['a changed ciphertext', changePart(2, flipFirstByte)],
    ['a changed tag', changePart(3, flipFirstByte)],
    ['a truncated tag', changePart(3, (tag) => tag.slice(0, -2))],
    ['another format', changePart(0, () => 'v2')],
    ['an extra part', (sealed: string) => `${sealed}.AAAA`],
    ['a missing part', (sealed: string) => sealed.split('.').slice(0, 3).join('.')],
    ['garbage', () => 'not sealed at all'],
  ])('should refuse %s', (_, tamper) => {
    expect(() => sealer.open('kid-1', tamper(sealer.seal('kid-1', PEM)))).toThrow(KeyUnsealError);
  });
});
