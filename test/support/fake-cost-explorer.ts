import { Decimal } from 'decimal.js';
import { RecordedRequest, Reply } from './loopback-server.js';

/** One line of the emulated account's daily costs. */
export interface CeItem {
  day: string;
  dims: Record<string, string>;
  tags?: Record<string, string>;
  unblended: string;
  netAmortized: string;
  usage: string;
  unit: string;
}

interface Expression {
  And?: Expression[];
  Dimensions?: { Key: string; Values: string[] };
  Tags?: { Key: string; Values?: string[]; MatchOptions?: string[] };
}

function matches(item: CeItem, f: Expression | undefined): boolean {
  if (!f) return true;
  if (f.And) return f.And.every((e) => matches(item, e));
  if (f.Dimensions) return f.Dimensions.Values.includes(item.dims[f.Dimensions.Key] ?? '');
  if (f.Tags) {
    const v = item.tags?.[f.Tags.Key];
    return f.Tags.MatchOptions?.includes('ABSENT')
      ? v === undefined
      : f.Tags.Values!.includes(v ?? '');
  }
  throw new Error(`emulator: unsupported filter ${JSON.stringify(f)}`);
}

/**
 * A small Cost Explorer: answers GetCostAndUsage (DAILY) from `items` with GroupBy (at most two),
 * Filter (Dimensions, Tags with ABSENT, And) and NextPageToken paging of `pageSize` groups, in the
 * AWS JSON 1.1 wire format the SDK speaks. Account names come back as DimensionValueAttributes.
 */
export function costExplorerEmulator(
  items: CeItem[],
  opts: { pageSize?: number; accountNames?: Record<string, string> } = {},
): (req: RecordedRequest) => Reply {
  const pageSize = opts.pageSize ?? 1000;
  return (req) => {
    if (req.headers['x-amz-target'] !== 'AWSInsightsIndexService.GetCostAndUsage') {
      return { status: 400, body: { __type: 'UnknownOperationException', message: 'unknown' } };
    }
    const body = JSON.parse(req.body) as {
      TimePeriod: { Start: string; End: string };
      GroupBy: { Type: string; Key: string }[];
      Filter?: Expression;
      NextPageToken?: string;
    };
    if (body.GroupBy.length > 2) {
      return { status: 400, body: { __type: 'ValidationException', message: 'at most 2 GroupBy' } };
    }
    const groups = new Map<
      string,
      { day: string; keys: string[]; sums: Decimal[]; unit: string }
    >();
    for (const item of items) {
      if (item.day < body.TimePeriod.Start || item.day >= body.TimePeriod.End) continue;
      if (!matches(item, body.Filter)) continue;
      const keys = body.GroupBy.map((g) =>
        g.Type === 'TAG' ? `${g.Key}$${item.tags?.[g.Key] ?? ''}` : (item.dims[g.Key] ?? ''),
      );
      const id = JSON.stringify([item.day, keys]);
      const g = groups.get(id) ?? {
        day: item.day,
        keys,
        sums: [0, 0, 0].map(() => new Decimal(0)),
        unit: item.unit,
      };
      g.sums = [
        g.sums[0]!.plus(item.unblended),
        g.sums[1]!.plus(item.netAmortized),
        g.sums[2]!.plus(item.usage),
      ];
      if (g.unit !== item.unit) g.unit = 'N/A';
      groups.set(id, g);
    }
    const all = [...groups.values()];
    const page = Number(body.NextPageToken ?? 0);
    const slice = all.slice(page * pageSize, (page + 1) * pageSize);
    const byDay = new Map<string, typeof slice>();
    for (const g of slice) byDay.set(g.day, [...(byDay.get(g.day) ?? []), g]);
    const next = (page + 1) * pageSize < all.length ? String(page + 1) : undefined;
    const accounts = body.GroupBy.some((g) => g.Key === 'LINKED_ACCOUNT')
      ? Object.entries(opts.accountNames ?? {}).map(([Value, description]) => ({
          Value,
          Attributes: { description },
        }))
      : [];
    return {
      body: {
        GroupDefinitions: body.GroupBy,
        ResultsByTime: [...byDay].map(([day, gs]) => ({
          TimePeriod: { Start: day, End: nextDay(day) },
          Total: {},
          Estimated: day >= '2026-10-31', // the latest day is not final yet
          Groups: gs.map((g) => ({
            Keys: g.keys,
            Metrics: {
              UnblendedCost: { Amount: g.sums[0]!.toString(), Unit: 'USD' },
              AmortizedCost: { Amount: g.sums[1]!.toString(), Unit: 'USD' },
              NetAmortizedCost: { Amount: g.sums[1]!.toString(), Unit: 'USD' },
              UsageQuantity: { Amount: g.sums[2]!.toString(), Unit: g.unit },
            },
          })),
        })),
        DimensionValueAttributes: accounts,
        ...(next ? { NextPageToken: next } : {}),
      },
    };
  };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export function ceError(
  type: string,
  message: string,
  status = 400,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers, body: { __type: type, message } };
}
