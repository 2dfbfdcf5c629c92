import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthGuard } from './auth.guard.js';
import { OidcVerifier } from './oidc-verifier.js';
import { TokensService } from './tokens.service.js';

@Global()
@Module({
  providers: [
    TokensService,
    AdminBootstrap,
    OidcVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokensService, AdminBootstrap],
})
export class AuthModule {}
