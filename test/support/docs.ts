// Reading the project's Markdown the way GitHub renders it: headings and their anchors, and relative links.
import { readFileSync } from "node:fs";
import path from "node:path";

/** GitHub's anchor for a heading: lower case, punctuation removed, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of every heading of a Markdown file outside fenced code blocks. */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const heading = inCode ? undefined : /^#+ (.*)$/.exec(line)?.[1];
    if (heading !== undefined) anchors.add(headingAnchor(heading));
  }
  return anchors;
}

/** Relative link targets of a Markdown file (`page.md#anchor`, `#anchor`, `../path`), outside code blocks. */
export function relativeLinksOf(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? "")
    .filter((target) => !/^[a-z]+:/.test(target));
}

/** Whether `docs/page.md#anchor` (relative to the project directory) names an existing heading. */
export function docsReferenceExists(projectDirectory: string, reference: string): boolean {
  const [page = "", anchor] = reference.split("#");
  try {
    return anchor === undefined || anchorsOf(path.join(projectDirectory, page)).has(anchor);
  } catch {
    return false;
  }
}
