// RFC 6749 §5.1
export type TokenResponse = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  // OpenID Connect Core §3.1.3.3
  id_token?: string;
};

export type IssuedAccessToken = { token: string; expiresIn: number };

export function tokenResponse(
  access: IssuedAccessToken,
  scope: string[],
  refreshToken: string | undefined,
): TokenResponse {
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    scope: scope.join(' '),
  };
}
