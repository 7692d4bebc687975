import { Body, Controller } from '@nestjs/common';
import { Client } from '../clients/client.entity';
import { RendersErrors } from '../common/error-style';
import { requiredParam } from '../common/oauth-params';
import { RevocationDocs } from '../common/openapi';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthenticatedPost } from './client-auth.guard';
import { TokenActionDto } from './dto/token-action.dto';
import { RevocationService } from './revocation.service';

@Controller('oauth/revoke')
@RendersErrors('oauth')
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  // RFC 7009 §2.2: 200 with an empty body, whether or not there was anything to revoke.
  @ClientAuthenticatedPost()
  @RevocationDocs()
  async revoke(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenActionDto,
  ): Promise<void> {
    await this.revocation.revoke(client, requiredParam(body.token, 'token'));
  }
}
