import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { TLogger } from "../logger.ts";

/*
 * The agent's on-disk outbox. Reports, events and acks are appended (one JSON line each, fsync'd)
 * before anything is sent, and delivered strictly in append order; an entry leaves the spool only
 * when Koi answered 2xx (or refused it for good). Delivery progress is a cursor file written
 * atomically, so a crash re-sends at most the entry in flight — with the same Idempotency-Key.
 *
 * Layout: <dir>/segment-<first seq>.jsonl (append-only), <dir>/cursor.json ({"delivered": seq}).
 * Each run appends to a fresh segment, so a torn last line from a crash never merges with new data.
 */

export type TSpoolKind = "ack" | "report" | "events";

export type TSpoolRecord = {
  kind: TSpoolKind;
  /** Path with `{agentId}`-style placeholders, filled at send time (the agent id can change on re-register). */
  pathTemplate: string;
  params: Record<string, string>;
  body: unknown;
  idempotencyKey: string;
};

export type TSpoolEntry = TSpoolRecord & { seq: number; createdAt: string };

const SEGMENT_BYTES = 4 * 1024 * 1024;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

export class Spool {
  private entries: TSpoolEntry[] = [];
  private segments: { file: string; lastSeq: number }[] = [];
  private active: { file: string; handle: FileHandle; bytes: number } | null = null;
  private nextSeq = 1;
  private delivered = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private listeners = new Set<() => void>();

  private constructor(
    readonly dir: string,
    private readonly logger: TLogger,
    private readonly maxEntries: number,
  ) {}

  static async open(dir: string, options: { logger: TLogger; maxEntries?: number }): Promise<Spool> {
    const spool = new Spool(dir, options.logger, options.maxEntries ?? 200_000);
    await mkdir(dir, { recursive: true });
    await spool.load();
    return spool;
  }

  private async load(): Promise<void> {
    try {
      this.delivered = (
        JSON.parse(await readFile(join(this.dir, "cursor.json"), "utf8")) as { delivered: number }
      ).delivered;
    } catch {
      this.delivered = 0;
    }
    let maxSeq = this.delivered;
    const files = (await readdir(this.dir)).filter((f) => /^segment-\d+\.jsonl$/.test(f)).sort();
    for (const file of files) {
      const text = await readFile(join(this.dir, file), "utf8");
      let lastSeq = 0;
      const lines = text.split("\n");
      lines.forEach((line, index) => {
        if (!line) return;
        try {
          const entry = JSON.parse(line) as TSpoolEntry;
          lastSeq = Math.max(lastSeq, entry.seq);
          maxSeq = Math.max(maxSeq, entry.seq);
          if (entry.seq > this.delivered) this.entries.push(entry);
        } catch {
          // Only the final line can be torn (crash mid-append); anything else is corruption worth shouting about.
          const level = index === lines.length - 1 ? "warn" : "error";
          this.logger[level]("spool: skipping unreadable line", { file, line: index + 1 });
        }
      });
      this.segments.push({ file, lastSeq });
    }
    this.entries.sort((a, b) => a.seq - b.seq);
    this.nextSeq = maxSeq + 1;
    await this.prune();
  }

  /** Serialises every file operation: appends and acks never interleave. */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Appends and fsyncs; resolves only once the entry is durable. */
  append(record: TSpoolRecord): Promise<TSpoolEntry> {
    return this.locked(async () => {
      const entry: TSpoolEntry = { ...record, seq: this.nextSeq, createdAt: new Date().toISOString() };
      const line = `${JSON.stringify(entry)}\n`;
      if (!this.active || this.active.bytes > SEGMENT_BYTES) await this.rotate(entry.seq);
      const active = this.active!;
      await active.handle.write(line);
      await active.handle.datasync();
      active.bytes += Buffer.byteLength(line);
      this.segments[this.segments.length - 1]!.lastSeq = entry.seq;
      this.nextSeq += 1;
      this.entries.push(entry);
      this.enforceCap();
      for (const listener of this.listeners) listener();
      return entry;
    });
  }

  private async rotate(firstSeq: number): Promise<void> {
    if (this.active) await this.active.handle.close();
    const file = `segment-${String(firstSeq).padStart(12, "0")}.jsonl`;
    const handle = await open(join(this.dir, file), "a");
    await fsyncDir(this.dir);
    this.active = { file, handle, bytes: 0 };
    this.segments.push({ file, lastSeq: firstSeq - 1 });
  }

  /** Over the cap, drop the oldest report: reports carry cumulative totals, so a later one supersedes it. */
  private enforceCap(): void {
    while (this.entries.length > this.maxEntries) {
      const index = this.entries.findIndex((e, i) => i > 0 && e.kind === "report");
      if (index < 0) return;
      const [dropped] = this.entries.splice(index, 1);
      this.logger.error("spool: over capacity, dropped an old report", {
        seq: dropped!.seq,
        pending: this.entries.length,
      });
    }
  }

  /** The oldest undelivered entry. */
  head(): TSpoolEntry | undefined {
    return this.entries[0];
  }

  pending(): readonly TSpoolEntry[] {
    return this.entries;
  }

  oldestAgeSeconds(nowMs = Date.now()): number | null {
    const head = this.entries[0];
    return head ? Math.max(0, (nowMs - Date.parse(head.createdAt)) / 1000) : null;
  }

  /** Removes the head (delivered, or refused for good) and persists the cursor. */
  remove(seq: number): Promise<void> {
    return this.locked(async () => {
      const head = this.entries[0];
      if (!head || head.seq !== seq) throw new Error(`spool: can only remove the head (${head?.seq}), not ${seq}`);
      this.entries.shift();
      this.delivered = seq;
      await writeAtomic(join(this.dir, "cursor.json"), JSON.stringify({ delivered: seq }));
      await this.prune();
    });
  }

  /** Deletes segments whose every entry is delivered (never the one being appended to). */
  private async prune(): Promise<void> {
    const keep: typeof this.segments = [];
    for (const segment of this.segments) {
      const removable = segment.lastSeq <= this.delivered && segment.file !== this.active?.file;
      if (removable) await unlink(join(this.dir, segment.file)).catch(() => undefined);
      else keep.push(segment);
    }
    this.segments = keep;
  }

  /** Called after every append; used to wake the flusher. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.locked(async () => {
      await this.active?.handle.close();
      this.active = null;
    });
  }
}

/** Refused entries are kept here (fsync'd) for an operator, never silently lost. */
export async function appendDeadLetter(dir: string, entry: TSpoolEntry, reason: string): Promise<void> {
  const handle = await open(join(dir, "dead-letter.jsonl"), "a");
  try {
    await handle.write(`${JSON.stringify({ ...entry, deadLetteredAt: new Date().toISOString(), reason })}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
