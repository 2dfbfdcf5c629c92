import { createHttpHeaders, HttpClient, PipelineRequest } from '@azure/core-rest-pipeline';
import { Decimal } from 'decimal.js';

export interface AzureReply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export interface SentRequest {
  url: string;
  method: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/**
 * An HttpClient for the Azure SDK (the injected transport the research notes recommend: the
 * SDK keeps its real https URLs, auth and serialization). `handle` answers each request.
 */
export function replayHttpClient(handle: (req: SentRequest) => AzureReply | Promise<AzureReply>) {
  const sent: SentRequest[] = [];
  const state = { handle };
  const client: HttpClient = {
    async sendRequest(request: PipelineRequest) {
      const req: SentRequest = {
        url: request.url,
        method: request.method,
        authorization: request.headers.get('authorization'),
        body: JSON.parse(typeof request.body === 'string' ? request.body : '{}') as Record<
          string,
          unknown
        >,
      };
      sent.push(req);
      const reply = await state.handle(req);
      return {
        request,
        status: reply.status ?? 200,
        headers: createHttpHeaders({ 'content-type': 'application/json', ...reply.headers }),
        bodyAsText:
          typeof reply.body === 'string'
            ? reply.body
            : reply.body === undefined
              ? ''
              : JSON.stringify(reply.body),
      };
    },
  };
  return {
    client,
    sent,
    set handler(h: (req: SentRequest) => AzureReply | Promise<AzureReply>) {
      state.handle = h;
    },
  };
}

/** A recorded Query response body, keeping only rows whose UsageDate lies in the request's period. */
export function recordedQuery(body: {
  properties: { columns: { name: string }[]; rows: unknown[][] };
}) {
  return (req: SentRequest): AzureReply => {
    const period = req.body['timePeriod'] as { from: string; to: string };
    const from = Number(period.from.slice(0, 10).replace(/-/g, ''));
    const to = Number(period.to.slice(0, 10).replace(/-/g, ''));
    const at = body.properties.columns.findIndex((c) => c.name === 'UsageDate');
    return {
      body: {
        ...body,
        properties: {
          ...body.properties,
          rows: body.properties.rows.filter(
            (r) => (r[at] as number) >= from && (r[at] as number) <= to,
          ),
        },
      },
    };
  };
}

export interface AzureItem {
  date: number;
  dims: Record<string, string>;
  tags?: Record<string, string>;
  actual?: string;
  amortized?: string;
}

interface Filter {
  and?: Filter[];
  dimensions?: { name: string; values: string[] };
  tags?: { name: string; values: string[] };
}

function matches(item: AzureItem, f: Filter | undefined): boolean {
  if (!f) return true;
  if (f.and) return f.and.every((x) => matches(item, x));
  if (f.dimensions) return f.dimensions.values.includes(item.dims[f.dimensions.name] ?? '');
  return f.tags!.values.includes(item.tags?.[f.tags!.name] ?? '');
}

/**
 * A small Query API: ActualCost/AmortizedCost, Daily, grouping by at most two Dimension/TagKey
 * (tag groupings answer with TagKey and TagValue columns), filters with `and`. Numbers are written
 * as raw JSON text so more digits than a double holds reach the client.
 */
export function costManagementEmulator(items: AzureItem[]) {
  return (req: SentRequest): AzureReply => {
    const b = req.body as {
      type: 'ActualCost' | 'AmortizedCost';
      dataset: { grouping: { type: string; name: string }[]; filter?: Filter };
    };
    if (b.dataset.grouping.length > 2) {
      return {
        status: 400,
        body: { error: { code: 'BadRequest', message: 'at most 2 groupings' } },
      };
    }
    const sums = new Map<string, { keys: string[]; date: number; cost: Decimal }>();
    for (const item of items) {
      const cost = b.type === 'ActualCost' ? item.actual : item.amortized;
      if (cost === undefined || !matches(item, b.dataset.filter)) continue;
      const keys = b.dataset.grouping.flatMap((g) =>
        g.type === 'TagKey' ? [g.name, item.tags?.[g.name] ?? ''] : [item.dims[g.name] ?? ''],
      );
      const id = JSON.stringify([item.date, keys]);
      const s = sums.get(id) ?? { keys, date: item.date, cost: new Decimal(0) };
      s.cost = s.cost.plus(cost);
      sums.set(id, s);
    }
    const columns = [
      { name: 'Cost', type: 'Number' },
      ...b.dataset.grouping.flatMap((g) =>
        g.type === 'TagKey'
          ? [
              { name: 'TagKey', type: 'String' },
              { name: 'TagValue', type: 'String' },
            ]
          : [{ name: g.name, type: 'String' }],
      ),
      { name: 'UsageDate', type: 'Number' },
      { name: 'Currency', type: 'String' },
    ];
    const rows = [...sums.values()].map(
      (s) =>
        `[${s.cost.toString()},${s.keys.map((k) => JSON.stringify(k)).join(',')}${s.keys.length ? ',' : ''}${s.date},"EUR"]`,
    );
    return {
      body: `{"properties":{"nextLink":null,"columns":${JSON.stringify(columns)},"rows":[${rows.join(',')}]}}`,
    };
  };
}
