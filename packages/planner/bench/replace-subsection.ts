/**
 * Replaces one generated subsection of a document: from the line equal to `section`'s first line
 * (its heading) up to the next heading of the same level or `endMarker`, whichever comes first.
 * Throws when the heading is not there, so a renamed section is never appended by mistake.
 */
export function replaceSubsection(existing: string, section: string, endMarker: string): string {
  const heading = section.split("\n", 1)[0]!;
  // Where the heading's line starts in `existing` (a leading newline lets the first line match too).
  const start = `\n${existing}`.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no subsection "${heading}"`);
  const level = heading.slice(0, heading.indexOf(" ") + 1);
  const next = existing.indexOf(`\n${level}`, start + heading.length);
  const end = existing.indexOf(endMarker, start);
  const stop = next >= 0 && (end < 0 || next < end) ? next + 1 : end >= 0 ? end : existing.length;
  return `${existing.slice(0, start)}${section.trimEnd()}\n\n${existing.slice(stop)}`;
}
