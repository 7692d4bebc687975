import { Body, Controller, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { HttpRequest } from '../common/http';
import { Client } from '../clients/client.entity';
import { clientIp } from '../common/client-ip';
import { RendersErrors } from '../common/error-style';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthenticatedPost } from './client-auth.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenResponse } from './token-response';
import { TokensService } from './tokens.service';

@ApiExcludeController()
@Controller('oauth/token')
@RendersErrors('oauth')
export class TokensController {
  constructor(private readonly tokensService: TokensService) {}

  @ClientAuthenticatedPost()
  exchange(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenRequestDto,
    @Req() request: HttpRequest,
  ): Promise<TokenResponse> {
    return this.tokensService.exchange(client, body, clientIp(request));
  }
}
