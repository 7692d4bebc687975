import type { TokenEndpointAuthMethod } from '../clients/client.entity';
import { mayRememberConsent } from './consent-policy';

describe('mayRememberConsent', () => {
  it.each<{ method: TokenEndpointAuthMethod; redirectUri: string; expected: boolean }>([
    { method: 'none', redirectUri: 'http://127.0.0.1:8080/cb', expected: false },
    { method: 'none', redirectUri: 'http://[::1]:8080/cb', expected: false },
    { method: 'none', redirectUri: 'http://localhost/cb', expected: false },
    { method: 'none', redirectUri: 'com.example.app:/cb', expected: false },
    { method: 'none', redirectUri: 'com.example.app://cb', expected: false },
    { method: 'none', redirectUri: 'https://spa.example.com/cb', expected: true },
    { method: 'client_secret_basic', redirectUri: 'http://127.0.0.1:8080/cb', expected: true },
    { method: 'client_secret_post', redirectUri: 'com.example.app:/cb', expected: true },
    { method: 'private_key_jwt', redirectUri: 'https://app.example.com/cb', expected: true },
  ])(
    'should return $expected when a $method client redirects to $redirectUri',
    ({ method, redirectUri, expected }) => {
      expect(mayRememberConsent({ tokenEndpointAuthMethod: method }, redirectUri)).toBe(expected);
    },
  );
});
