import {
  Body,
  Controller,
  Header,
  HttpCode,
  Post,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Client } from '../clients/client.entity';
import { clientIp } from '../common/client-ip';
import { OAuthErrorFilter } from '../common/oauth-error.filter';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthGuard } from './client-auth.guard';
import { TokenRequestDto } from './dto/token-request.dto';
import { TokenResponse } from './token-response';
import { TokensService } from './tokens.service';

@ApiExcludeController()
@Controller('oauth/token')
@UseFilters(OAuthErrorFilter)
export class TokensController {
  constructor(private readonly tokensService: TokensService) {}

  // RFC 6749 §5.1: tokens are never cached.
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(ClientAuthGuard)
  exchange(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenRequestDto,
    @Req() request: Request,
  ): Promise<TokenResponse> {
    return this.tokensService.exchange(client, body, clientIp(request));
  }
}
