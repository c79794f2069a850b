import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commonSettings, type Setting, staticConfigSource } from "../../infra/config";
import { platformRegistry } from "../../infra/platforms";
import { azureSettings } from "../../infra/platforms/azure/settings";
import { loadStackConfig } from "../../infra/stack-config";
import { project } from "./harness";
import { projectDirectory, readYaml, stackFileConfig } from "./stack-files";

const declared = readYaml("Pulumi.yaml");
const settings: Record<string, Setting<unknown>> = { ...commonSettings, ...azureSettings };

describe("Pulumi.yaml", () => {
  it("runs infra/main.ts with the nodejs runtime and TypeScript", () => {
    expect(declared).toMatchObject({
      name: project,
      runtime: { name: "nodejs", options: { typescript: true } },
      main: "infra/",
    });
    // A directory `main` makes Pulumi load the `main` of the nearest package.json (@pulumi/pulumi/cmd/run/run.js),
    // the root one: the program, not the library entry infra/index.ts.
    const manifest = JSON.parse(readFileSync(path.join(projectDirectory, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ main: "infra/main.ts" });
    expect(manifest.exports).toBeUndefined(); // `exports` would win over `main`
    expect(readFileSync(path.join(projectDirectory, "infra/main.ts"), "utf8")).toContain("export =");
    expect(readFileSync(path.join(projectDirectory, "infra/index.ts"), "utf8")).not.toContain("export =");
  });

  it("declares exactly the settings the program validates, with the same types, defaults and descriptions", () => {
    const config = declared.config as Record<string, Record<string, unknown>>;
    expect(Object.keys(config).sort()).toEqual(Object.keys(settings).sort());
    for (const [key, setting] of Object.entries(settings)) {
      const expected: Record<string, unknown> = {
        type: setting.type,
        default: setting.default,
        description: setting.description,
        ...(setting.type === "array" ? { items: { type: "string" } } : {}),
      };
      expect({ key, ...config[key] }).toEqual({ key, ...expected });
    }
  });

  it("names, in a comment, every setting it cannot declare (objects and secrets)", () => {
    const text = readFileSync(path.join(projectDirectory, "Pulumi.yaml"), "utf8");
    const commentWords = new Set(
      text
        .split("\n")
        .filter((line) => line.trimStart().startsWith("#"))
        .flatMap((line) => line.split(/[\s,()]+/)),
    );
    const undeclared = Object.values(platformRegistry).flatMap(({ section }) => [
      ...section.otherKeys,
      ...section.secretKeys,
    ]);
    expect(undeclared).toEqual(expect.arrayContaining(["neon", "neon:apiKey", "supabase", "supabaseDbPassword"]));
    expect(undeclared.filter((key) => !commentWords.has(key))).toEqual([]);
  });
});

describe("dependencies", () => {
  it("pins @pulumi/azure-native: its default Azure API version changes between releases", () => {
    const manifest = JSON.parse(readFileSync(path.join(projectDirectory, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies["@pulumi/azure-native"]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("imports azure-native submodules only, never the whole package", () => {
    const files = (readdirSync(path.join(projectDirectory, "infra"), { recursive: true }) as string[]).filter((file) =>
      file.endsWith(".ts"),
    );
    const wholePackage = files.filter((file) =>
      /from\s+["']@pulumi\/azure-native["']|require\(["']@pulumi\/azure-native["']\)/.test(
        readFileSync(path.join(projectDirectory, "infra", file), "utf8"),
      ),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(wholePackage).toEqual([]);
  });
});

describe("stack files", () => {
  it("dev: a public endpoint limited to documentation ranges, small server", () => {
    const config = loadStackConfig(staticConfigSource(project, "dev", stackFileConfig("dev")));
    expect(config.protect).toBe(false);
    expect(config.extensions).toEqual(["pg_trgm", "vector"]);
    expect(config.platform).toMatchObject({
      name: "azure",
      settings: {
        location: "westeurope",
        sku: { tier: "Burstable", name: "Standard_B2s" },
        network: {
          access: "public",
          firewallRules: [
            { name: "office", startIpAddress: "203.0.113.0", endIpAddress: "203.0.113.255" },
            { name: "ci", startIpAddress: "198.51.100.10", endIpAddress: "198.51.100.20" },
          ],
        },
      },
    });
  });

  it("prod: private access, zone-redundant HA, geo-redundant backup, protected", () => {
    const config = loadStackConfig(staticConfigSource(project, "prod", stackFileConfig("prod")));
    expect(config.protect).toBe(true);
    expect(config.platform).toMatchObject({
      name: "azure",
      settings: {
        sku: { tier: "GeneralPurpose", name: "Standard_D4ds_v5" },
        storageSizeGb: 256,
        backupRetentionDays: 35,
        geoRedundantBackup: true,
        highAvailability: "ZoneRedundant",
        maintenanceWindow: { dayOfWeek: 0, startHour: 2, startMinute: 0 },
        network: { access: "private", vnetAddressPrefix: "10.42.0.0/16", subnetAddressPrefix: "10.42.0.0/24" },
      },
    });
  });

  it("hold no secrets (they are set with `pulumi config set --secret`)", () => {
    for (const stack of ["dev", "prod"]) {
      const text = readFileSync(path.join(projectDirectory, `Pulumi.${stack}.yaml`), "utf8");
      expect(text).not.toMatch(/secure:|encryptionsalt|password/i);
    }
  });
});

describe("the platforms' docs pages", () => {
  it("name every structured setting and secret of the platform, where configuration errors point", () => {
    const missing = Object.values(platformRegistry).flatMap(({ section }) => {
      const page = readFileSync(path.join(projectDirectory, section.docs.split("#")[0] ?? ""), "utf8");
      return [...section.otherKeys, ...section.secretKeys].filter((key) => !page.includes(`| \`${key}`));
    });
    expect(missing).toEqual([]);
  });
});

describe("docs/azure.md", () => {
  it("documents every setting of the azure section; the common ones are in docs/settings.md", () => {
    const page = (file: string) => readFileSync(path.join(projectDirectory, "docs", file), "utf8");
    const azure = /<!-- section:azure -->([\s\S]*)<!-- \/section:azure -->/.exec(page("azure.md"))?.[1] ?? "";
    const common = page("settings.md");
    const azureKeys = [...Object.keys(azureSettings), ...platformRegistry.azure.section.otherKeys];
    expect(azureKeys.filter((key) => !azure.includes(`| \`${key}\``))).toEqual([]);
    expect(Object.keys(commonSettings).filter((key) => !common.includes(`| \`${key}\``))).toEqual([]);
  });
});
