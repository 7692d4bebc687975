import { developerScopesProblem } from './developer-scopes';

describe('developerScopesProblem', () => {
  it.each([
    { scopes: 'profile email', problem: undefined },
    { scopes: 'profile orders:read', problem: undefined },
    { scopes: 'profile  email', problem: 'must be scope names separated by single spaces' },
    { scopes: '', problem: 'must be scope names separated by single spaces' },
    {
      scopes: 'profile admin',
      problem:
        'must not include admin (third-party applications must not act on this server for the user)',
    },
    {
      scopes: 'developer email account',
      problem:
        'must not include developer, account (third-party applications must not act on this server for the user)',
    },
  ])('should answer $problem for "$scopes"', ({ scopes, problem }) => {
    expect(developerScopesProblem(scopes)).toBe(problem);
  });
});
