import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The machine line every benchmark section carries. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
export function writeBenchmarkSection(name: string, markdown: string): string {
  const file = path.resolve(import.meta.dirname, "../../docs/benchmarks.md");
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : "# Benchmarks\n\nEvery figure here comes from a command in this repo; each section names it and the machine.\n";
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  const next = pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, next);
  return file;
}
