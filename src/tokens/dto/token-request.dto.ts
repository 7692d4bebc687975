import { OAuthParam } from '../../common/oauth-validation.pipe';

// RFC 6749 §4.1.3, §4.3.2 and §6. grant_type stays a plain string: an unknown value is
// unsupported_grant_type, not invalid_request. Client credentials are read by ClientAuthGuard.
export class TokenRequestDto {
  @OAuthParam() grant_type?: string;
  @OAuthParam() code?: string;
  @OAuthParam() redirect_uri?: string;
  @OAuthParam() code_verifier?: string;
  @OAuthParam() refresh_token?: string;
  @OAuthParam() scope?: string;
  @OAuthParam() username?: string;
  @OAuthParam() password?: string;
  // RFC 8707 §2; `audience` as Auth0 and Hydra accept it. One API per request.
  @OAuthParam() resource?: string;
  @OAuthParam() audience?: string;
}
