import type { Logger } from "@koi/core/logger";
import type { Job, Queue, Worker } from "bullmq";
import { withTimeout } from "./with-timeout.ts";
import { nextWaitingSince, stuckReason } from "./worker-watchdog.ts";

export type TProcessor = (job: Job) => Promise<void>;

/**
 * One queue's BullMQ Worker plus the watchdog that replaces it when it stops taking jobs.
 * The replacement starts at once; the old worker is closed in the background so its in-flight
 * jobs can finish (or, if it is truly stuck, is force-closed after the grace period).
 */
export class SupervisedWorker {
  worker: Worker;
  recreations = 0;
  private inFlight = 0;
  private lastPickupAt = Date.now();
  private waitingSince: number | null = null;
  private readonly retiring = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly opts: {
      queueName: string;
      concurrency: number;
      log: Logger;
      create: (processor: TProcessor) => Worker;
      process: TProcessor;
      stuckMs: number;
      closeGraceMs: number;
    },
  ) {
    this.worker = opts.create(this.processor);
  }

  private readonly processor: TProcessor = async (job) => {
    this.inFlight += 1;
    this.lastPickupAt = Date.now();
    try {
      await this.opts.process(job);
    } finally {
      this.inFlight -= 1;
    }
  };

  /** One watchdog tick; `queue` is a producer-side handle on the same queue. */
  async check(queue: Pick<Queue, "getJobCounts">, now = Date.now()): Promise<void> {
    if (this.closing) return;
    const { waiting = 0 } = await queue.getJobCounts("waiting");
    if (this.closing) return;
    this.waitingSince = nextWaitingSince(this.waitingSince, waiting, now);
    const reason = stuckReason(
      {
        now,
        waiting,
        waitingSince: this.waitingSince,
        lastPickupAt: this.lastPickupAt,
        inFlight: this.inFlight,
        concurrency: this.opts.concurrency,
      },
      this.opts.stuckMs,
    );
    if (!reason) return;
    this.opts.log.error({ queue: this.opts.queueName, reason }, "worker looks stuck; replacing it");
    const old = this.worker;
    this.worker = this.opts.create(this.processor);
    this.recreations += 1;
    this.lastPickupAt = now;
    this.waitingSince = null;
    const retiring = this.closeWorker(old).finally(() => this.retiring.delete(retiring));
    this.retiring.add(retiring);
  }

  /** Lets in-flight jobs finish (BullMQ `close()`); drops the connections after the grace period. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.closeWorker(this.worker), ...this.retiring]);
  }

  private async closeWorker(worker: Worker): Promise<void> {
    try {
      await withTimeout(worker.close(), this.opts.closeGraceMs, "worker close");
    } catch (err) {
      this.opts.log.error(
        { queue: this.opts.queueName, err },
        "worker did not close in time; dropping its connections",
      );
      // Not `close(true)`: after a `close()` BullMQ returns that first close, which still waits for
      // the job. With the connections gone the job's lock lapses and a stalled check re-queues it.
      await withTimeout(worker.disconnect(), 2_000, "worker disconnect").catch(() => undefined);
    }
  }
}
