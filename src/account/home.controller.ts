import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ClientsService } from '../clients/clients.service';
import { HttpRequest, HttpResponse } from '../common/http';
import { HostedPages, PageSession } from '../pages/hosted-pages';
import { PagesService } from '../pages/pages.service';
import { BrowserSession, SessionService } from '../pages/session.service';
import { ConnectedAppsService } from './connected-apps.service';

// The first page a person opens. Signed out: what this is, and Sign in. Signed in: the account
// home (who you are, connected apps, your applications, sign out).
@ApiExcludeController()
@Controller()
@HostedPages()
export class HomeController {
  constructor(
    private readonly sessions: SessionService,
    private readonly connectedApps: ConnectedAppsService,
    private readonly clients: ClientsService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async home(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const user = await this.sessions.signedInUser(session);
    if (!user) {
      this.pages.render(response, 200, 'home', { title: 'Welcome' });
      return;
    }
    request.user = user;
    const apps = await this.connectedApps.listWithAccess(user.id);
    const owned = await this.clients.list({ limit: 50, offset: 0 }, user.id);
    this.pages.render(response, 200, 'account-home', {
      title: 'Your account',
      username: user.username,
      name: user.name,
      email: user.email,
      connectedApps: apps.map((app) => app.clientName),
      developerApps: owned.map((client) => ({
        clientId: client.clientId,
        clientName: client.clientName,
      })),
    });
  }
}
