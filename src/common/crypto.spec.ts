import { createHash } from 'node:crypto';
import {
  generateClientId,
  generateOpaqueSecret,
  secretMatchesHash,
  sha256Hex,
  timeOrderedId,
} from './crypto';

describe('crypto', () => {
  it('should generate 256-bit base64url secrets that differ every time', () => {
    const first = generateOpaqueSecret();
    const second = generateOpaqueSecret();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(first).not.toBe(second);
  });

  // The bytes come from a pool of 4 KiB: across its refills no secret repeats another.
  it('should hand out each random byte once, across refills of its pool', () => {
    const secrets = Array.from({ length: 600 }, (_, i) => generateOpaqueSecret(16 + (i % 3) * 8));
    secrets.forEach((secret, i) => {
      expect(Buffer.from(secret, 'base64url')).toHaveLength(16 + (i % 3) * 8);
    });
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(() => generateOpaqueSecret(4097)).toThrow(RangeError);
  });

  // One draw in 32 would otherwise start with - or _ (and `--client_id -x…` is an option).
  it('should generate 128-bit client ids that start with a letter or a digit', () => {
    const ids = Array.from({ length: 2000 }, () => generateClientId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should make version 7 UUIDs carrying their millisecond, in the order they were made', () => {
    const at = Date.UTC(2026, 11, 4, 19, 5, 6, 789);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(id.slice(0, 13)).toBe('01a24272-25e5');

    const ids = Array.from({ length: 1000 }, (_, i) => timeOrderedId(at + i));
    expect([...ids].sort()).toEqual(ids);
    const sameMillisecond = Array.from({ length: 1000 }, () => timeOrderedId(at));
    expect(new Set(sameMillisecond).size).toBe(1000);
  });

  it('should hash with SHA-256 as lowercase hex', () => {
    // FIPS 180-2 test vector
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each([
    { presented: 's3cret', expected: true },
    { presented: 's3cret ', expected: false },
    { presented: 'S3cret', expected: false },
    { presented: '', expected: false },
  ])(
    'should return $expected when the presented secret is "$presented"',
    ({ presented, expected }) => {
      expect(secretMatchesHash(presented, sha256Hex('s3cret'))).toBe(expected);
    },
  );

  it('should refuse the stored hash itself as the secret', () => {
    const stored = sha256Hex('s3cret');
    expect(secretMatchesHash(stored, stored)).toBe(false);
  });

  it('should return false when the stored hash is malformed', () => {
    const truncated = createHash('sha256').update('s3cret').digest('hex').slice(0, 10);
    expect(secretMatchesHash('s3cret', truncated)).toBe(false);
    expect(secretMatchesHash('s3cret', 'not hex')).toBe(false);
  });
});
