import { isPublished, isSigningAlgorithm, retireAfter } from './signing-rules';

const HOUR = 3600;
const at = (iso: string) => new Date(iso);

describe('signing key rules', () => {
  it('should keep a deactivated key published for the token lifetime plus a minute', () => {
    expect(retireAfter(at('2026-11-23T10:00:00.000Z'), HOUR)).toEqual(
      at('2026-11-23T11:01:00.000Z'),
    );
  });

  it('should publish an active key always', () => {
    const active = { deactivatedAt: null, publishUntil: null };
    expect(isPublished(active, at('2099-01-01T00:00:00.000Z'), HOUR)).toBe(true);
  });

  it('should publish a retiring key until the end its rotation recorded, not after', () => {
    const key = {
      deactivatedAt: at('2026-11-23T10:00:00.000Z'),
      publishUntil: at('2026-11-23T11:01:00.000Z'),
    };
    expect(isPublished(key, at('2026-11-23T11:00:59.999Z'), HOUR)).toBe(true);
    expect(isPublished(key, at('2026-11-23T11:01:00.000Z'), HOUR)).toBe(false);
  });

  it("should keep a key published for this server's longer token lifetime", () => {
    // Rotated by a CLI run with ACCESS_TOKEN_TTL=3600; this server issues tokens for a day.
    const key = {
      deactivatedAt: at('2026-11-23T10:00:00.000Z'),
      publishUntil: at('2026-11-23T11:01:00.000Z'),
    };
    expect(isPublished(key, at('2026-11-24T10:00:59.000Z'), 24 * HOUR)).toBe(true);
    expect(isPublished(key, at('2026-11-24T10:01:00.000Z'), 24 * HOUR)).toBe(false);
  });

  it('should know only ES256 and RS256', () => {
    expect(['ES256', 'RS256'].every(isSigningAlgorithm)).toBe(true);
    expect(['HS256', 'none', 'es256', 'PS256', undefined].some(isSigningAlgorithm)).toBe(false);
  });
});
