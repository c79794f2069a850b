/** The values of the setting `platform`; infra/platforms/registry.ts has one platform for each. */
export const platformNames = ["azure", "neon", "supabase", "existing"] as const;

export type PlatformName = (typeof platformNames)[number];
