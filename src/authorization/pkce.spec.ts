import { isWellFormedPkceValue, pkceRequestProblem, pkceRequirementOf, verifyPkce } from './pkce';

// RFC 7636 Appendix B
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('verifyPkce', () => {
  it.each([
    { verifier, challenge, expected: true },
    { verifier, challenge: challenge.slice(0, -1), expected: false },
    { verifier, challenge: verifier, expected: false },
    { verifier: `${verifier}x`, challenge, expected: false },
    { verifier: 'short', challenge, expected: false },
  ])('should return $expected for $verifier / $challenge', ({ verifier, challenge, expected }) => {
    expect(verifyPkce(verifier, challenge)).toBe(expected);
  });
});

describe('isWellFormedPkceValue', () => {
  it.each([
    { value: challenge, expected: true },
    { value: 'a'.repeat(43), expected: true },
    { value: 'a'.repeat(128), expected: true },
    { value: 'a'.repeat(42), expected: false },
    { value: 'a'.repeat(129), expected: false },
    { value: `${'a'.repeat(42)}=`, expected: false },
    { value: `${'a'.repeat(42)}+`, expected: false },
  ])('should return $expected for $value', ({ value, expected }) => {
    expect(isWellFormedPkceValue(value)).toBe(expected);
  });
});

describe('pkceRequestProblem', () => {
  it.each([
    { value: challenge, expected: undefined },
    { value: 'a'.repeat(43), expected: undefined },
    { value: 'a'.repeat(42), expected: 'code_challenge must be 43 base64url characters (S256)' },
    { value: 'a'.repeat(44), expected: 'code_challenge must be 43 base64url characters (S256)' },
    { value: 'a'.repeat(128), expected: 'code_challenge must be 43 base64url characters (S256)' },
    {
      value: `${'a'.repeat(42)}~`,
      expected: 'code_challenge must be 43 base64url characters (S256)',
    },
    {
      value: `${'a'.repeat(42)}=`,
      expected: 'code_challenge must be 43 base64url characters (S256)',
    },
  ])('should answer $expected for the challenge $value', ({ value, expected }) => {
    expect(pkceRequestProblem(value, 'S256', 'require_pkce')).toBe(expected);
  });

  it.each([
    {
      requirement: 'public client' as const,
      expected: 'code_challenge is required (PKCE with S256): public clients always use PKCE',
    },
    {
      requirement: 'require_pkce' as const,
      expected:
        'code_challenge is required (PKCE with S256): this client has require_pkce true; ' +
        'an operator may set require_pkce false for a legacy server app that cannot send one',
    },
    { requirement: 'optional' as const, expected: undefined },
  ])('should answer $expected without a challenge when PKCE is $requirement', (row) => {
    expect(pkceRequestProblem(undefined, undefined, row.requirement)).toBe(row.expected);
  });

  it.each([
    { isPublic: true, requirePkce: true, expected: 'public client' },
    { isPublic: false, requirePkce: true, expected: 'require_pkce' },
    { isPublic: false, requirePkce: false, expected: 'optional' },
  ])(
    'should name the requirement $expected for public $isPublic, require_pkce $requirePkce',
    ({ expected, ...client }) => {
      expect(pkceRequirementOf(client)).toBe(expected);
    },
  );
});
