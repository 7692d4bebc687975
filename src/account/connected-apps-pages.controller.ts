import { Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { HttpResponse, seeOther } from '../common/http';
import { CsrfGuard } from '../pages/csrf.guard';
import { PageActor, PageSession, SignedInPages, SignedInUser } from '../pages/hosted-pages';
import { PagesService } from '../pages/pages.service';
import { describeScope } from '../pages/scope-descriptions';
import { BrowserSession } from '../pages/session.service';
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
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const consents = await this.connectedApps.list(user.id);
    this.pages.render(response, 200, 'account-apps', {
      title: 'Connected apps',
      username: user.username,
      csrfToken: session.data.csrfToken,
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
    @PageActor() actor: Actor,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.connectedApps.revoke(user.id, clientId, actor);
    seeOther(response, '/account/apps');
  }
}
