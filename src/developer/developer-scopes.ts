import { FIRST_PARTY_SCOPES, isWellFormedScope } from '../common/scope';

// DEVELOPER_SCOPES: the scopes a developer may request for an application. Checked at boot
// (AppModule.forRoot hands it to validateEnv): never a scope that acts on this server for the user.
export function developerScopesProblem(scopes: string): string | undefined {
  if (!isWellFormedScope(scopes)) {
    return 'must be scope names separated by single spaces';
  }
  const refused = scopes.split(' ').filter((scope) => FIRST_PARTY_SCOPES.includes(scope));
  return refused.length > 0
    ? `must not include ${refused.join(', ')} (third-party applications must not act on this server for the user)`
    : undefined;
}
