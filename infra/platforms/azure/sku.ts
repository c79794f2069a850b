// The compute tiers and the sizes each accepts.
import { listOf, quote } from "../../config/setting";

export const skuTiers = ["Burstable", "GeneralPurpose", "MemoryOptimized"] as const;
export type SkuTier = (typeof skuTiers)[number];

export const burstableSkus = [
  "Standard_B1ms",
  "Standard_B2s",
  "Standard_B2ms",
  "Standard_B4ms",
  "Standard_B8ms",
  "Standard_B12ms",
  "Standard_B16ms",
  "Standard_B20ms",
] as const;

/** Compute sizes per tier. D and E sizes come in many vCPU counts and generations, so they are matched by shape. */
const tierSkus: Record<SkuTier, { matches: (name: string) => boolean; examples: string }> = {
  Burstable: {
    matches: (name) => (burstableSkus as readonly string[]).includes(name),
    examples: listOf(burstableSkus),
  },
  GeneralPurpose: {
    matches: (name) => /^Standard_D\d+(a|d|ad)?s_v[3-6]$/.test(name),
    examples:
      "Standard_D<vCPUs>s_v3, Standard_D<vCPUs>ds_v4, Standard_D<vCPUs>ds_v5 or Standard_D<vCPUs>ads_v5 (e.g. Standard_D2ds_v5)",
  },
  MemoryOptimized: {
    matches: (name) => /^Standard_E\d+(a|d|ad)?s_v[3-6]$/.test(name),
    examples:
      "Standard_E<vCPUs>s_v3, Standard_E<vCPUs>ds_v4, Standard_E<vCPUs>ds_v5 or Standard_E<vCPUs>ads_v5 (e.g. Standard_E2ds_v5)",
  },
};

/** Why `name` is not a compute size of `tier` (with the tier it belongs to, when it is another's), or undefined. */
export function skuProblem(tier: SkuTier, name: string, tierSetting = "skuTier"): string | undefined {
  if (tierSkus[tier].matches(name)) return undefined;
  const actualTier = skuTiers.find((candidate) => tierSkus[candidate].matches(name));
  const hint = actualTier
    ? ` ${quote(name)} is a ${actualTier} size: set ${tierSetting} to ${actualTier}, or choose a ${tier} size.`
    : "";
  return `${quote(name)} is not a ${tier} compute size. ${tier} accepts ${tierSkus[tier].examples}.${hint}`;
}
