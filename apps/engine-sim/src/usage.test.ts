import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

describe("engine-sim --help", () => {
  it("prints its usage through npm and exits 0, with no npm error block", () => {
    const r = spawnSync("npm", ["run", "start", "-w", "@koi/engine-sim", "--", "--help"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: npm run start -w @koi\/engine-sim -- \[options\]/);
    expect(r.stdout).toMatch(/--orca-port N .*default 26336/);
    expect(r.stdout).toMatch(/--tuna-port N .*default 8080/);
    expect(r.stderr).not.toMatch(/npm error/);
  }, 60_000);

  it("a bad flag is one line on stderr and exit 2", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "--speeed", "3"], {
      cwd: join(ROOT, "apps", "engine-sim"),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown flag --speeed/);
  }, 60_000);
});
