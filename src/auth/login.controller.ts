import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from './access.decorators.js';
import { Authenticator } from './authenticator.js';
import { sessionCookie, sessionFromCookie } from './session-cookie.js';
import { WebSessions } from './web-sessions.service.js';
import { escapeHtml } from '../web/html.js';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · finops-chargeback</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.5rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00}</style>
</head><body><main>${body}</main></body></html>`;
}

function loginForm(error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login"><label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form>`,
  );
}

/** The web UI's sign-in: a token in, a server-side session out (its secret in an HttpOnly cookie). */
@ApiExcludeController()
@Controller()
export class LoginController {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly sessions: WebSessions,
  ) {}

  @Get('login')
  @Public()
  form(@Res() res: Response): void {
    res.type('html').send(loginForm());
  }

  @Post('login')
  @Public()
  @HttpCode(303)
  async login(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const token =
      typeof body === 'object' && body && 'token' in body
        ? String((body as { token: unknown }).token).trim()
        : '';
    const client = req.ip ?? 'unknown';
    const verified = token ? await this.authenticator.authenticate(token, client) : null;
    if (!verified) {
      res.status(401).type('html').send(loginForm('That token is unknown, revoked or expired.'));
      return;
    }
    const { secret, maxAgeS } = await this.sessions.start(verified);
    res.setHeader('set-cookie', sessionCookie(req, secret, maxAgeS));
    res.redirect(303, '/');
  }

  @Post('logout')
  @Public()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const secret = sessionFromCookie(req.headers.cookie);
    if (secret) await this.sessions.end(secret);
    res.setHeader('set-cookie', sessionCookie(req, '', 0));
    res.redirect(303, '/login');
  }
}
