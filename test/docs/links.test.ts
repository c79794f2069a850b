// Every relative link in the README and docs/ leads to a file that exists and, with an anchor, to a heading it has.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, relativeLinksOf } from "../support/docs";

const projectDirectory = path.resolve(__dirname, "../..");
const pages = ["README.md", ...readdirSync(path.join(projectDirectory, "docs")).map((page) => `docs/${page}`)];

describe("documentation links", () => {
  it.each(pages)("%s links only to files and headings that exist", (page) => {
    const from = path.join(projectDirectory, page);
    const broken = relativeLinksOf(from).filter((target) => {
      const [file = "", anchor] = target.split("#");
      const resolved = file === "" ? from : path.resolve(path.dirname(from), file);
      if (!existsSync(resolved)) return true;
      return anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it("the README links every page of docs/", () => {
    const linked = new Set(
      relativeLinksOf(path.join(projectDirectory, "README.md")).map((target) => target.split("#")[0]),
    );
    expect(pages.filter((page) => page !== "README.md" && !linked.has(page))).toEqual([]);
  });
});
