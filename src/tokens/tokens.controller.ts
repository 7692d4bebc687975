import { Body, Controller, Req } from '@nestjs/common';
import type { HttpRequest } from '../common/http';
import { Client } from '../clients/client.entity';
import { clientIp } from '../common/client-ip';
import { RendersErrors } from '../common/error-style';
import { TokenEndpointDocs } from '../common/openapi';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import {
  AuthenticatedClient,
  ClientAuthenticatedPost,
  GrantRead,
  ReadWithClient,
} from './client-auth.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenResponse } from './token-response';
import { TokensService } from './tokens.service';

@Controller('oauth/token')
@RendersErrors('oauth')
export class TokensController {
  constructor(private readonly tokensService: TokensService) {}

  @ClientAuthenticatedPost()
  @TokenEndpointDocs()
  exchange(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenRequestDto,
    @Req() request: HttpRequest,
    @ReadWithClient() read: GrantRead,
  ): Promise<TokenResponse> {
    return this.tokensService.exchange(client, body, clientIp(request), read);
  }
}
