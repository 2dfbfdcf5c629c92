import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthGuard } from './auth.guard.js';
import { FailureLimiter } from './failure-limiter.js';
import { Authenticator } from './authenticator.js';
import { LoginController } from './login.controller.js';
import { OidcVerifier } from './oidc-verifier.js';
import { TokensService } from './tokens.service.js';
import { WebSessions } from './web-sessions.service.js';

@Global()
@Module({
  controllers: [LoginController],
  providers: [
    TokensService,
    AdminBootstrap,
    OidcVerifier,
    Authenticator,
    WebSessions,
    { provide: FailureLimiter, useFactory: () => new FailureLimiter() },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokensService, AdminBootstrap],
})
export class AuthModule {}
