import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import type { Principal } from '../auth/roles.js';
import { scopeOf } from '../auth/team-scope.js';
import { RECOMMENDATION_KINDS } from '../recommendations/recommendation.js';
import {
  DISMISS_REASONS,
  listQuerySchema,
  patchSchema,
  RecommendationView,
  STATUSES,
  TRANSITIONS,
} from '../recommendations/recommendation-view.js';
import {
  InvalidTransitionError,
  RecommendationNotFoundError,
  RecommendationsService,
} from '../recommendations/recommendations.service.js';
import { escapeHtml as e, moneyText } from './html.js';
import { layout } from './layout.js';

const PATH = '/recommendations';
const select = (name: string, label: string, values: readonly string[], chosen?: string) =>
  `<div><label for="${name}">${label}</label><select id="${name}" name="${name}"><option value="">all</option>${values
    .map((v) => `<option${v === chosen ? ' selected' : ''}>${e(v)}</option>`)
    .join('')}</select></div>`;
const BUTTON: Record<string, string> = {
  open: 'Reopen',
  accepted: 'Accept',
  implemented: 'Mark implemented',
};

/**
 * The Recommendations page: filter by team, kind and status; open one to see its evidence,
 * options and history, and decide (accept, mark implemented, dismiss with a reason, snooze until
 * a date, reopen). Plain forms: it works without script; leads see and decide their teams' only.
 */
@ApiExcludeController()
@Controller('recommendations')
export class RecommendationsPage {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Allow('admin', 'finance', 'executive', 'lead')
  async list(@Query() query: Record<string, string>, @Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const clean = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
    const q = listQuerySchema.safeParse(clean);
    const filter = q.success ? q.data : { limit: 200 };
    const { items, total, monthlySavings } = await this.recommendations.list(filter, scopeOf(who));
    const teams = [...new Set(items.map((r) => r.team).filter((t): t is string => !!t))].sort();
    const rows = items
      .map(
        (r) => `<tr><td class="num">${moneyText(r.monthlySavings)}</td>
<td><a href="${PATH}/${r.id}">${e(r.title)}</a></td><td>${e(r.team ?? '-')}</td><td>${r.kind}</td>
<td>${r.risk}</td><td>${r.status}</td></tr>`,
      )
      .join('');
    res.type('html').send(
      layout(
        'Recommendations',
        who,
        PATH,
        `<h1>Recommendations</h1>
<form class="filters" method="get" action="${PATH}" aria-label="Filter">
${select('team', 'Team', who.role === 'lead' ? who.teams : teams, filter.team)}
${select('kind', 'Kind', RECOMMENDATION_KINDS, filter.kind)}
${select('status', 'Status', STATUSES, filter.status)}<button type="submit">Show</button></form>
${q.success ? '' : `<p class="error" role="alert">${e(q.error.issues[0]!.message)}</p>`}
<p>${total} recommendation(s), saving <strong>${moneyText(monthlySavings)}</strong> a month where the price is known.</p>
<table><caption>By monthly saving</caption><thead><tr><th class="num" scope="col">Saving / month</th>
<th scope="col">What to do</th><th scope="col">Team</th><th scope="col">Kind</th><th scope="col">Risk</th>
<th scope="col">Status</th></tr></thead><tbody>${rows || '<tr><td colspan="6">Nothing here.</td></tr>'}</tbody></table>`,
      ),
    );
  }

  @Get(':id')
  @Allow('admin', 'finance', 'executive', 'lead')
  async detail(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await this.render(res, principalOf(req), id, 200, req.query['done'] ? 'Saved.' : undefined);
  }

  @Post(':id')
  @Allow('admin', 'lead')
  async decide(
    @Param('id') id: string,
    @Body() body: Record<string, string>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const who = principalOf(req);
    const fields = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
    const patch = patchSchema.safeParse(fields);
    if (!patch.success) {
      const issue = patch.error.issues[0]!;
      return this.render(res, who, id, 400, undefined, `${issue.path.join('.')}: ${issue.message}`);
    }
    try {
      await this.recommendations.decide(Number(id), patch.data, who, scopeOf(who));
    } catch (err) {
      if (err instanceof InvalidTransitionError)
        return this.render(res, who, id, 409, undefined, err.message);
      throw err;
    }
    res.redirect(303, `${PATH}/${Number(id)}?done=1`);
  }

  private async render(
    res: Response,
    who: Principal,
    rawId: string,
    status: number,
    notice?: string,
    error?: string,
  ): Promise<void> {
    const id = z.coerce.number().int().positive().safeParse(rawId);
    let r: RecommendationView;
    try {
      if (!id.success) throw new RecommendationNotFoundError(0);
      r = await this.recommendations.get(id.data, scopeOf(who));
    } catch (err) {
      if (!(err instanceof RecommendationNotFoundError)) throw err;
      res
        .status(404)
        .type('html')
        .send(
          layout(
            'Not found',
            who,
            PATH,
            `<h1>Not found</h1><p>No such recommendation.</p><p><a href="${PATH}">All recommendations</a></p>`,
          ),
        );
      return;
    }
    const history = await this.audit.list({ target: `recommendation:${r.id}`, limit: 50 });
    res
      .status(status)
      .type('html')
      .send(
        layout(
          r.title,
          who,
          PATH,
          `<p><a href="${PATH}">All recommendations</a></p><h1>${e(r.title)}</h1>
${notice ? `<p class="notice" role="status">${e(notice)}</p>` : ''}${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<dl><dt>Status</dt><dd id="status">${r.status}${r.dismissReason ? ` (${r.dismissReason})` : ''}${r.statusNote ? `: ${e(r.statusNote)}` : ''}${r.snoozedUntil ? ` until ${new Date(r.snoozedUntil).toISOString().slice(0, 10)}` : ''}</dd>
<dt>Team</dt><dd>${e(r.team ?? 'none (shared)')}</dd><dt>Kind</dt><dd>${r.kind}</dd>
<dt>Resource</dt><dd>${e(r.resourceName ?? '')} <code>${e(r.resourceId)}</code></dd>
<dt>Saving</dt><dd>${moneyText(r.monthlySavings, r.currency)} a month (now ${moneyText(r.currentMonthlyCost, r.currency)})</dd>
<dt>Priced by</dt><dd>${e(r.pricing)}</dd><dt>Risk</dt><dd>${r.risk}: ${e(r.riskReason)}</dd>
${r.realizedMonthlySavings !== null ? `<dt>Realized</dt><dd>${moneyText(r.realizedMonthlySavings, r.currency)} a month (measured)</dd>` : ''}</dl>
${optionsTable(r)}<h2>Evidence</h2><pre>${e(JSON.stringify(r.evidence, null, 2))}</pre>
${['admin', 'lead'].includes(who.role) ? decisions(r) : ''}
<h2>History</h2><ol>${history
            .map(
              (h) =>
                `<li>${h.at.slice(0, 16).replace('T', ' ')} · ${e(h.actor)}${h.actorRole ? ` (${h.actorRole})` : ''}: ${e(describe(h.action, h.after))}</li>`,
            )
            .join(
              '',
            )}<li>${new Date(r.firstSeen).toISOString().slice(0, 16).replace('T', ' ')} · first proposed</li></ol>`,
        ),
      );
  }
}

function optionsTable(r: RecommendationView): string {
  const options = r.options as { target: string; monthlySavings: string | null; risk: string }[];
  if (options.length < 2) return '';
  return `<h2>Options</h2><table><thead><tr><th scope="col">Target</th><th class="num" scope="col">Saving / month</th><th scope="col">Risk</th></tr></thead><tbody>${options
    .map(
      (o) =>
        `<tr><td>${e(o.target)}</td><td class="num">${moneyText(o.monthlySavings)}</td><td>${o.risk}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function decisions(r: RecommendationView): string {
  const allowed = TRANSITIONS[r.status];
  if (allowed.length === 0) return '';
  const forms = allowed
    .filter((s) => s in BUTTON)
    .map(
      (s) =>
        `<form method="post" action="${PATH}/${r.id}"><input type="hidden" name="status" value="${s}"><button type="submit">${BUTTON[s]}</button></form>`,
    );
  if (allowed.includes('dismissed'))
    forms.push(`<form method="post" action="${PATH}/${r.id}" aria-label="Dismiss"><input type="hidden" name="status" value="dismissed">
<label for="reason">Reason</label><select id="reason" name="reason" required><option value="">choose…</option>${DISMISS_REASONS.map((d) => `<option>${d}</option>`).join('')}</select>
<label for="note">Note</label><textarea id="note" name="note" rows="2" cols="30"></textarea><button type="submit">Dismiss</button></form>`);
  if (allowed.includes('snoozed'))
    forms.push(`<form method="post" action="${PATH}/${r.id}" aria-label="Snooze"><input type="hidden" name="status" value="snoozed">
<label for="until">Snooze until</label><input type="date" id="until" name="until" required><button type="submit">Snooze</button></form>`);
  return `<h2>Decide</h2><div class="decisions">${forms.join('')}</div>`;
}

function describe(action: string, after: unknown): string {
  const a = (after ?? {}) as {
    status?: string;
    reason?: string | null;
    note?: string | null;
    realizedMonthlySavings?: string;
  };
  const what = action.replace(/^recommendations?\./, '');
  return [
    a.status ? `${what}: ${a.status}` : what,
    a.reason ? `(${a.reason})` : '',
    a.note ? `“${a.note}”` : '',
    a.realizedMonthlySavings ? `realized ${a.realizedMonthlySavings} a month` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
