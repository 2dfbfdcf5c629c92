import type { RecommendConfig } from './recommend-config.js';
import type { RecommendInputs, ResourceInput } from './inputs.js';
import type { RecommendationDraft } from './recommendation.js';
import { commitments } from './recommenders/commitments.js';
import { gpuRightsizing, migConsolidation } from './recommenders/gpu-rightsizing.js';
import { idleResource, orphanedDisk } from './recommenders/idle.js';
import { rightsizing } from './recommenders/rightsizing.js';
import { shortLivedFleets, spot } from './recommenders/spot.js';
import { storageTiering } from './recommenders/storage-tiering.js';

/**
 * Every recommender over the gathered inputs. Per resource, stopping beats resizing (an idle
 * machine is not resized); spot and storage tiering stand beside them. Under-used GPU machines
 * with no proposal of their own are considered for MIG packing by type and team. Commitments
 * are sized per provider on current on-demand usage.
 */
export function recommend(inputs: RecommendInputs, config: RecommendConfig): RecommendationDraft[] {
  const { windowHours, now, catalog } = inputs;
  const out: RecommendationDraft[] = [];
  const packable = new Map<string, ResourceInput[]>();
  for (const r of inputs.resources) {
    const stop =
      idleResource(r, windowHours, now, config, catalog) ??
      orphanedDisk(r, inputs.machinesLastBilled, windowHours, now, config);
    const gpu = stop
      ? null
      : r.gpus.length > 0
        ? gpuRightsizing(r, windowHours, now, config)
        : null;
    const resize = stop || gpu ? null : rightsizing(r, windowHours, config);
    for (const d of [
      stop,
      gpu,
      resize,
      stop ? null : spot(r, windowHours, config, catalog),
      storageTiering(r, config),
    ])
      if (d) out.push(d);
    if (r.gpus.length > 0 && !stop && !gpu) {
      const key = `${r.provider}|${r.instanceType}|${r.team}`;
      packable.set(key, [...(packable.get(key) ?? []), r]);
    }
  }
  for (const group of packable.values()) {
    const d = migConsolidation(group, windowHours, config, catalog);
    if (d) out.push(d);
  }
  out.push(...shortLivedFleets(inputs.resources, windowHours, now, config, catalog));
  for (const [provider, hours] of inputs.hourlyOnDemand) {
    const d = commitments(provider, hours, config);
    if (d) out.push(d);
  }
  return out;
}
