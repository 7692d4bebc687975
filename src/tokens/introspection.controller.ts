import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Client } from '../clients/client.entity';
import { OAuthErrorFilter } from '../common/oauth-error.filter';
import { requiredParam } from '../common/oauth-params';
import { oauthValidationPipe } from '../common/oauth-validation.pipe';
import { AuthenticatedClient, ClientAuthGuard } from './client-auth.guard';
import { TokenActionDto } from './dto/token-action.dto';
import { IntrospectionResponse, IntrospectionService } from './introspection.service';

@ApiExcludeController()
@Controller('oauth/introspect')
@UseFilters(OAuthErrorFilter)
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(ClientAuthGuard)
  introspect(
    @AuthenticatedClient() client: Client,
    @Body(oauthValidationPipe) body: TokenActionDto,
  ): Promise<IntrospectionResponse> {
    return this.introspection.introspect(client, requiredParam(body.token, 'token'));
  }
}
