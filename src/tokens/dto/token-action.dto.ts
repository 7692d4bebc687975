import { OAuthParam } from '../../common/oauth-validation.pipe';

// RFC 7009 §2.1 and RFC 7662 §2.1: the token, and an optional hint of its type.
export class TokenActionDto {
  @OAuthParam() token?: string;
  @OAuthParam() token_type_hint?: string;
}
