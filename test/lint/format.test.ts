import { describe, expect, it } from "vitest";
import {
  formatLintFinding,
  githubAnnotations,
  type LintFinding,
  lintCounts,
  lintMarkdownSummary,
} from "../../packages/migrate/src/lint";

const finding: LintFinding = {
  displayPath: "migrations/0002_a,b:c.sql",
  line: 3,
  column: 5,
  endLine: 4,
  endColumn: 9,
  rule: "changing-column-type",
  message: "Changing a column type | rewrites 100% of the table\nand blocks reads",
  level: "error",
  url: "https://squawkhq.com/docs/changing-column-type",
};

describe("lint finding renderings", () => {
  it("formats one line with position, level, rule, help and documentation", () => {
    expect(formatLintFinding({ ...finding, message: "Blocks writes.", help: "Use CONCURRENTLY." })).toBe(
      "migrations/0002_a,b:c.sql:3:5: error changing-column-type: Blocks writes. Help: Use CONCURRENTLY. (https://squawkhq.com/docs/changing-column-type)",
    );
  });

  it("escapes GitHub workflow command properties and data", () => {
    expect(githubAnnotations([finding])).toEqual([
      "::error file=migrations/0002_a%2Cb%3Ac.sql,line=3,col=5,endLine=4,endColumn=9,title=squawk changing-column-type::" +
        "Changing a column type | rewrites 100%25 of the table%0Aand blocks reads (https://squawkhq.com/docs/changing-column-type)",
    ]);
  });

  it("counts errors and warnings", () => {
    expect(lintCounts([])).toBe("no findings");
    expect(lintCounts([finding, { ...finding, level: "warning" }, { ...finding, level: "warning" }])).toBe(
      "1 error, 2 warnings",
    );
  });

  it("keeps Markdown table cells on one row", () => {
    const markdown = lintMarkdownSummary({
      findings: [finding],
      checkedFiles: [finding.displayPath],
      strict: true,
      scope: "migrations added or changed since origin/main",
    });
    expect(markdown).toContain("Mode: strict: every finding is an error.");
    expect(markdown).toContain("| Changing a column type \\| rewrites 100% of the table and blocks reads |");
  });

  it("lists the clean files when there is nothing to report", () => {
    const markdown = lintMarkdownSummary({
      findings: [],
      checkedFiles: ["migrations/0001_init.sql"],
      strict: false,
      scope: "every migration in migrations",
    });
    expect(markdown).toContain("No findings in: `migrations/0001_init.sql`.");
  });
});
