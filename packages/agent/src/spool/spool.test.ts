import { appendFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger.ts";
import { Spool, type TSpoolRecord } from "./spool.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "koi-spool-"));
  dirs.push(dir);
  return dir;
}

const record = (n: number, kind: TSpoolRecord["kind"] = "report"): TSpoolRecord => ({
  kind,
  pathTemplate: "/api/v1/assignments/{assignmentId}/reports",
  params: { assignmentId: "asg_1" },
  body: { n },
  idempotencyKey: `report:asg_1:1:${n}`,
});

describe("spool", () => {
  it("delivers in append order across any interleaving of appends, deliveries and restarts (property)", async () => {
    type TOp = { op: "append" } | { op: "deliver" } | { op: "restart" };
    const ops = fc.array(
      fc.oneof(
        fc.constant<TOp>({ op: "append" }),
        fc.constant<TOp>({ op: "deliver" }),
        fc.constant<TOp>({ op: "restart" }),
      ),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(ops, async (sequence) => {
        const dir = await tempDir();
        let spool = await Spool.open(dir, { logger: silentLogger });
        let appended = 0;
        const delivered: number[] = [];
        for (const step of sequence) {
          if (step.op === "append") await spool.append(record(appended++));
          else if (step.op === "deliver") {
            const head = spool.head();
            if (head) {
              delivered.push((head.body as { n: number }).n);
              await spool.remove(head.seq);
            }
          } else {
            await spool.close();
            spool = await Spool.open(dir, { logger: silentLogger });
          }
        }
        const rest = spool.pending().map((e) => (e.body as { n: number }).n);
        await spool.close();
        expect([...delivered, ...rest]).toEqual(Array.from({ length: appended }, (_, i) => i));
        const seqs = spool.pending().map((e) => e.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      }),
      { numRuns: 40 },
    );
  });

  it("survives a torn last line and never appends after it", async () => {
    const dir = await tempDir();
    const spool = await Spool.open(dir, { logger: silentLogger });
    await spool.append(record(0));
    await spool.append(record(1));
    await spool.close();
    const [segment] = (await readdir(dir)).filter((f) => f.startsWith("segment-"));
    await appendFile(join(dir, segment!), '{"seq":3,"kind":"rep');
    const reopened = await Spool.open(dir, { logger: silentLogger });
    expect(reopened.pending().map((e) => (e.body as { n: number }).n)).toEqual([0, 1]);
    const next = await reopened.append(record(2));
    expect(next.seq).toBe(3);
    await reopened.close();
    const again = await Spool.open(dir, { logger: silentLogger });
    expect(again.pending().map((e) => e.seq)).toEqual([1, 2, 3]);
    await again.close();
  });

  it("keeps the cursor on disk and deletes fully delivered segments", async () => {
    const dir = await tempDir();
    const spool = await Spool.open(dir, { logger: silentLogger });
    for (let i = 0; i < 3; i++) await spool.append(record(i));
    await spool.close();
    const second = await Spool.open(dir, { logger: silentLogger });
    await second.append(record(3));
    for (const e of [...second.pending()]) await second.remove(e.seq);
    expect(JSON.parse(await readFile(join(dir, "cursor.json"), "utf8"))).toEqual({ delivered: 4 });
    expect((await readdir(dir)).filter((f) => f.startsWith("segment-"))).toHaveLength(1);
    await second.close();
    const third = await Spool.open(dir, { logger: silentLogger });
    expect(third.pending()).toEqual([]);
    expect((await third.append(record(4))).seq).toBe(5);
    await third.close();
    await expect(third.remove(99)).rejects.toThrow(/head/);
  });

  it("over capacity it drops the oldest report, never an ack or event", async () => {
    const dir = await tempDir();
    const spool = await Spool.open(dir, { logger: silentLogger, maxEntries: 3 });
    await spool.append(record(0, "ack"));
    await spool.append(record(1));
    await spool.append(record(2, "events"));
    await spool.append(record(3));
    expect(spool.pending().map((e) => `${e.kind}:${(e.body as { n: number }).n}`)).toEqual([
      "ack:0",
      "events:2",
      "report:3",
    ]);
    await spool.close();
  });
});
