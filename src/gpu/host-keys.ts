/**
 * How a machine's host name (as dcgm-exporter or node_exporter report it) is found among FOCUS
 * ResourceIds, lower-cased suffixes of the id:
 * - AWS: `i-0abc…` is the instance id itself (ResourceId is the id or an ARN ending `/i-0abc…`);
 * - GCP: GKE/GCE node names are instance names (`…/instances/<name>`), minus a
 *   `.c.<project>.internal` or `.<zone>.c.<project>.internal` domain;
 * - Azure: a VM's name ends its id (`…/virtualMachines/<name>`); AKS nodes are scale-set
 *   instances `<vmss>` + a 6-character base-36 instance id (`aks-gpu-12345678-vmss00000a` is
 *   `…/virtualMachineScaleSets/aks-gpu-12345678-vmss/virtualMachines/10`).
 * EKS node names (`ip-10-0-1-2.ec2.internal`) do not carry the instance id: add a
 * `resourceIdLabel` or `resourceIdRules` to the usage source for them.
 */
export function hostKeys(host: string): string[] {
  const lower = host.toLowerCase();
  const short = lower.split('.')[0]!;
  const keys = new Set([lower, short]);
  const aks = /^(.+vmss)([0-9a-z]{6})$/.exec(short);
  if (aks) keys.add(`${aks[1]}/virtualmachines/${parseInt(aks[2]!, 36)}`);
  return [...keys];
}

/** True when `resourceId` is the host or ends with `/<key>` for one of the host's keys. */
export function resourceMatchesHost(resourceId: string, keys: readonly string[]): boolean {
  const id = resourceId.toLowerCase();
  return keys.some((k) => id === k || id.endsWith(`/${k}`));
}
