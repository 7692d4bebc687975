import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PageErrorRenderer } from '../common/page-error-renderer';
import { UsersModule } from '../users/users.module';
import { PageErrors } from './page-error.renderer';
import { PagesService } from './pages.service';
import { Session } from './session.entity';
import { SessionCookie, SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { SignedInGuard } from './signed-in.guard';
import { StylesheetController } from './stylesheet.controller';

// The shell of every hosted page: server-side browser sessions and their cookie, the session and
// signed-in guards, CSRF (csrf.guard.ts), rendering (views/, public/), the page headers
// (page-headers.middleware.ts, applied by each feature to its routes) and how page routes answer
// failures. It knows no feature's pages: authorization/, developer/ and account/ build on it.
@Module({
  imports: [TypeOrmModule.forFeature([Session]), UsersModule],
  controllers: [StylesheetController],
  providers: [
    PagesService,
    SessionCookie,
    SessionGuard,
    SessionService,
    SignedInGuard,
    { provide: PageErrorRenderer, useClass: PageErrors },
  ],
  exports: [
    PagesService,
    SessionCookie,
    SessionGuard,
    SessionService,
    SignedInGuard,
    PageErrorRenderer,
  ],
})
export class PagesModule {}
