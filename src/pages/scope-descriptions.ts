// How each scope reads on the consent page.
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account here',
  profile: 'See your name',
  email: 'See your email address',
  phone: 'See your phone number',
  address: 'See your postal address',
  admin: 'Administer this Portcullis server: manage users and applications',
  offline_access: 'Stay connected when you are not using it',
  developer: 'Manage the applications you registered as a developer',
  account: 'See and revoke the applications connected to your account',
};

export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? `Use the "${scope}" permission`;
}
