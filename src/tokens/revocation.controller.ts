import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Client } from '../clients/client.entity';
import { OAuthErrorFilter } from '../common/oauth-error.filter';
import { requiredParam } from '../common/oauth-params';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthGuard } from './client-auth.guard';
import { TokenActionDto } from './dto/token-action.dto';
import { RevocationService } from './revocation.service';

@ApiExcludeController()
@Controller('oauth/revoke')
@UseFilters(OAuthErrorFilter)
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  // RFC 7009 §2.2: 200 with an empty body, whether or not there was anything to revoke.
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(ClientAuthGuard)
  async revoke(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenActionDto,
  ): Promise<void> {
    await this.revocation.revoke(client, requiredParam(body.token, 'token'));
  }
}
