import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { CsrfGuard } from '../authorization/csrf.guard';
import { PagesService } from '../authorization/pages.service';
import { describeScope } from '../authorization/scope-descriptions';
import { BrowserSession } from '../authorization/session.service';
import { SignedInPages, SignedInUser } from '../authorization/signed-in.guard';
import { userActor } from '../common/actor';
import { clientIp } from '../common/client-ip';
import { User } from '../users/user.entity';
import { ConnectedAppsService } from './connected-apps.service';

// Connected apps: what each application the user approved may do, since when, and a button that
// takes it back.
@ApiExcludeController()
@Controller('account/apps')
@SignedInPages('/account/apps')
export class ConnectedAppsPagesController {
  constructor(
    private readonly connectedApps: ConnectedAppsService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async list(
    @SignedInUser() user: User,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const consents = await this.connectedApps.list(user.id);
    this.pages.render(response, 200, 'account-apps', {
      title: 'Connected apps',
      username: user.username,
      csrfToken: (request.browserSession as BrowserSession).data.csrfToken,
      apps: consents.map(({ clientId, client, scope, updatedAt }) => ({
        clientId,
        clientName: client?.clientName ?? clientId,
        clientUri: client?.clientUri ?? null,
        scopes: ['See your username', ...scope.split(' ').map(describeScope)],
        grantedAt: `${updatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
    });
  }

  @Post(':clientId/revoke')
  @UseGuards(CsrfGuard)
  async revoke(
    @SignedInUser() user: User,
    @Param('clientId') clientId: string,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.connectedApps.revoke(user.id, clientId, userActor(user.id, clientIp(request)));
    seeOther(response, '/account/apps');
  }
}
