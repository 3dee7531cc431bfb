/** Terminal rows a block of lines takes at this width (long lines wrap). */
export function rowsTaken(lines: readonly string[], columns: number): number {
  const width = Math.max(1, columns);
  return lines.reduce((rows, line) => rows + Math.max(1, Math.ceil([...line].length / width)), 0);
}

/**
 * The escape sequence that moves the cursor back to the first row of the block printed last and erases
 * from there down, so the next block replaces it (what log-update does, without a dependency for ten lines).
 */
export function eraseBlock(previous: readonly string[], columns: number): string {
  const rows = rowsTaken(previous, columns);
  return rows === 0 ? "" : `\x1b[${rows}A\r\x1b[0J`;
}
