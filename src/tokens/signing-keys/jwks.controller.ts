import { Controller, Get, Res } from '@nestjs/common';
import type { HttpResponse } from '../../common/http';
import { JsonDocumentDocs } from '../../common/openapi';
import { JWK } from 'jose';
import { SigningKeysService } from './signing-keys.service';

// RFC 7517 §5: the public keys that verify JWT access tokens, each with its kid, alg and use. A
// resource server that meets an unknown kid (after a rotation) fetches this again.
@Controller('oauth/jwks')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @JsonDocumentDocs(
    'JSON Web Key Set (RFC 7517)',
    'The public keys that verify JWT access tokens and ID tokens; cacheable for 1 minute',
  )
  async get(@Res({ passthrough: true }) res: HttpResponse): Promise<{ keys: JWK[] }> {
    const jwks = await this.keys.publishedJwks();
    // Set only on success: a proxy must not keep a 503 for a minute.
    res.header('Cache-Control', 'public, max-age=60');
    return jwks;
  }
}
