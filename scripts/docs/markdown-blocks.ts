// The generated blocks of a Markdown page, between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`.

/** `page` with the block `name` replaced by `content`; throws when the page has no such block. */
export function replaceBlock(page: string, file: string, name: string, content: string): string {
  const start = `<!-- generated:${name} (npm run docs) -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`${file} has no generated block "${name}": add the lines ${start} and ${end} where it goes.`);
  }
  return `${page.slice(0, from + start.length)}\n${content.trimEnd()}\n${page.slice(to)}`;
}
