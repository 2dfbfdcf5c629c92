/**
 * Machines' EffectiveCost per hour of a billing period. Each cost line is spread over the
 * hours its charge period covers in proportion to time, and each hour's share is the difference
 * of two cumulative amounts rounded to 12 places, so a line's hours add up to the line exactly
 * (the rounding telescopes). Commitment purchases are left out: their cost reaches the machine
 * through the amortized EffectiveCost of its usage lines (FOCUS; counting both would double it).
 * $1: billing period (first day), $2: the machines' ResourceIds.
 */
export const NODE_HOUR_COST_SQL = `
WITH lines AS (
  SELECT resource_id, effective_cost AS cost, charge_period_start AS s, charge_period_end AS e,
         extract(epoch FROM charge_period_end - charge_period_start) AS secs
    FROM cost_record
   WHERE billing_period = $1 AND resource_id = ANY($2)
     AND charge_period_end > charge_period_start
     AND NOT (charge_category = 'Purchase' AND commitment_discount_id IS NOT NULL)
)
SELECT l.resource_id, h AS hour,
       sum(round(l.cost * extract(epoch FROM least(h + interval '1 hour', l.e) - l.s) / l.secs, 12)
         - round(l.cost * extract(epoch FROM greatest(h, l.s) - l.s) / l.secs, 12))::text AS cost
  FROM lines l
 CROSS JOIN LATERAL generate_series(date_trunc('hour', l.s), l.e - interval '1 microsecond', interval '1 hour') AS h
 GROUP BY l.resource_id, h
 ORDER BY l.resource_id, h`;
