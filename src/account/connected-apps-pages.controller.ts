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
import { ConnectedApp, ConnectedAppsService } from './connected-apps.service';

const utcMinute = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

// What the pages show of a connected app.
function describeApp(app: ConnectedApp) {
  return {
    clientId: app.clientId,
    clientName: app.clientName,
    clientUri: app.clientUri,
    scopes: ['See your username', ...app.scope.map(describeScope)],
    since: app.consentedAt
      ? `Allowed ${utcMinute(app.consentedAt)}`
      : `Signed in since ${utcMinute(app.since)}`,
  };
}

// Connected apps: every application with access to the account (approved, or holding tokens from
// the password grant), what it may do, since when, and taking it back after a confirmation.
@ApiExcludeController()
@Controller('account/apps')
@SignedInPages('/account/apps')
export class ConnectedAppsPagesController {
  constructor(
    private readonly connectedApps: ConnectedAppsService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async list(@SignedInUser() user: User, @Res() response: HttpResponse): Promise<void> {
    const apps = await this.connectedApps.listWithAccess(user.id);
    this.pages.render(response, 200, 'account-apps', {
      title: 'Connected apps',
      apps: apps.map(describeApp),
    });
  }

  // The confirmation step: what revoking takes away, and the button that does it.
  @Get(':clientId/revoke')
  async confirmRevoke(
    @SignedInUser() user: User,
    @Param('clientId') clientId: string,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const app = await this.connectedApps.find(user.id, clientId);
    this.pages.render(response, 200, 'account-app-revoke', {
      title: `Revoke access for ${app.clientName}`,
      app: describeApp(app),
      csrfToken: session.data.csrfToken,
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
