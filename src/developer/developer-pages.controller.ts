import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { Client } from '../clients/client.entity';
import { MAX_DESCRIPTION_LENGTH } from '../clients/dto/client.dto';
import { Actor } from '../common/actor';
import { CsrfGuard } from '../pages/csrf.guard';
import { PageActor, PageSession, SignedInPages, SignedInUser } from '../pages/hosted-pages';
import { PagesService } from '../pages/pages.service';
import { describeScope } from '../pages/scope-descriptions';
import { BrowserSession } from '../pages/session.service';
import { FieldErrors, validateInput, ValidationFailedException } from '../common/validation';
import { User } from '../users/user.entity';
import { AppFormValues, editInput, formErrors, readAppForm, registrationInput } from './app-form';
import { DeveloperAppsService } from './developer-apps.service';
import { RegisterAppDto, UpdateAppDto } from './dto/developer-app.dto';

const STATUS_LABELS = {
  pending: 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
};

const NEW_APP: AppFormValues = {
  client_name: '',
  description: '',
  client_uri: '',
  redirect_uris: '',
  scopes: [],
  client_type: 'confidential',
};

// What the pages show of an application.
function appView(app: Client) {
  return {
    clientId: app.clientId,
    clientName: app.clientName,
    status: app.status,
    statusLabel: STATUS_LABELS[app.status],
    isPending: app.status === 'pending',
    rejectionReason: app.rejectionReason,
    isPublic: app.isPublic,
    scopes: app.scope.split(' ').map(describeScope),
    clientUri: app.clientUri,
    createdAt: app.createdAt.toISOString().slice(0, 10),
  };
}

// The developer portal: a signed-in user registers applications, sees their status (and an
// operator's reason for a rejection), edits redirect URIs and description, rotates the secret and
// deletes them. A secret is shown once, in the answer to the POST that made it: it is never
// stored, even for a redirect.
@ApiExcludeController()
@Controller('developer/apps')
@SignedInPages('/developer/apps')
export class DeveloperPagesController {
  constructor(
    private readonly apps: DeveloperAppsService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async list(@SignedInUser() user: User, @Res() response: HttpResponse): Promise<void> {
    const apps = await this.apps.list(user.id);
    this.pages.render(response, 200, 'developer-apps', {
      title: 'Your applications',
      username: user.username,
      apps: apps.map(appView),
    });
  }

  @Get('new')
  showRegistration(@PageSession() session: BrowserSession, @Res() response: HttpResponse): void {
    this.renderRegistration(session, response, 200, NEW_APP, {});
  }

  @Post()
  @UseGuards(CsrfGuard)
  async register(
    @SignedInUser() user: User,
    @PageActor() actor: Actor,
    @PageSession() session: BrowserSession,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const form = readAppForm(request.body);
    try {
      const input = await validateInput(RegisterAppDto, registrationInput(form));
      const { client, secret } = await this.apps.register(user.id, input, actor);
      this.renderSecret(response, 201, client, secret, 'Application registered');
    } catch (error) {
      if (!(error instanceof ValidationFailedException)) {
        throw error;
      }
      const fields =
        form.scopes.length > 0 ? error.fields : { ...error.fields, scope: ['choose at least one'] };
      this.renderRegistration(session, response, 400, form, fields);
    }
  }

  @Get(':id')
  async show(
    @SignedInUser() user: User,
    @Param('id') id: string,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const app = await this.apps.get(user.id, id);
    this.renderApp(session, response, 200, app, null, {});
  }

  @Post(':id')
  @UseGuards(CsrfGuard)
  async update(
    @SignedInUser() user: User,
    @Param('id') id: string,
    @PageActor() actor: Actor,
    @PageSession() session: BrowserSession,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const form = readAppForm(request.body);
    try {
      const changes = await validateInput(UpdateAppDto, editInput(form));
      await this.apps.update(user.id, id, changes, actor);
      seeOther(response, `/developer/apps/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationFailedException)) {
        throw error;
      }
      const app = await this.apps.get(user.id, id);
      this.renderApp(session, response, 400, app, form, error.fields);
    }
  }

  @Post(':id/secret')
  @UseGuards(CsrfGuard)
  async rotateSecret(
    @SignedInUser() user: User,
    @Param('id') id: string,
    @PageActor() actor: Actor,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const { client, secret } = await this.apps.rotateSecret(user.id, id, actor);
    this.renderSecret(response, 200, client, secret, 'New client secret');
  }

  @Post(':id/delete')
  @UseGuards(CsrfGuard)
  async remove(
    @SignedInUser() user: User,
    @Param('id') id: string,
    @PageActor() actor: Actor,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.apps.remove(user.id, id, actor);
    seeOther(response, '/developer/apps');
  }

  private renderRegistration(
    session: BrowserSession,
    response: HttpResponse,
    status: number,
    form: AppFormValues,
    fields: FieldErrors,
  ) {
    this.pages.render(response, status, 'developer-app-new', {
      title: 'Register an application',
      csrfToken: session.data.csrfToken,
      values: form,
      isPublic: form.client_type === 'public',
      scopes: this.apps.availableScopes.map((name) => ({
        name,
        description: describeScope(name),
        checked: form.scopes.includes(name),
      })),
      maxDescription: MAX_DESCRIPTION_LENGTH,
      errors: formErrors(fields),
    });
  }

  // The application, with its edit form holding `form` (what was sent) or else what is stored.
  private renderApp(
    session: BrowserSession,
    response: HttpResponse,
    status: number,
    app: Client,
    form: AppFormValues | null,
    fields: FieldErrors,
  ) {
    this.pages.render(response, status, 'developer-app', {
      title: app.clientName,
      csrfToken: session.data.csrfToken,
      app: appView(app),
      description: form ? form.description : (app.description ?? ''),
      redirectUris: form ? form.redirect_uris : app.redirectUris.join('\n'),
      changesNeedApproval: this.apps.requiresApproval && app.status !== 'pending',
      maxDescription: MAX_DESCRIPTION_LENGTH,
      errors: formErrors(fields),
    });
  }

  private renderSecret(
    response: HttpResponse,
    status: number,
    app: Client,
    secret: string | undefined,
    heading: string,
  ) {
    this.pages.render(response, status, 'developer-secret', {
      title: heading,
      heading,
      app: appView(app),
      secret: secret ?? null,
    });
  }
}
