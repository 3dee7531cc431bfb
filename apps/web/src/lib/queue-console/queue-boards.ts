import "server-only";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import { queueNames } from "@koi/core/job-catalog";
import { createRedis, redisPrefix } from "@koi/core/redis";
import { Queue } from "bullmq";
import { Hono } from "hono";

export const QUEUE_CONSOLE_PATH = "/admin/queues";
export const RETRY_CONFIRM_PATH = "/admin/queue-retries";

export type TQueueBoards = { readOnly: Hono; retry: Hono };

/**
 * Two Bull Boards over the same queues: the one staff see by default cannot change anything
 * (Bull Board's readOnlyMode); the other allows retries, and is served only after a staff member
 * confirmed on RETRY_CONFIRM_PATH. Built once per process: each Queue holds a Redis connection.
 */
export function queueBoards(): TQueueBoards {
  const holder = globalThis as typeof globalThis & { koiQueueBoards?: TQueueBoards };
  if (holder.koiQueueBoards) return holder.koiQueueBoards;
  // Fails fast while Redis is down (the board shows its error) instead of queueing commands.
  const connection = createRedis({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  connection.on("error", () => undefined);
  const queues = queueNames.map((name) => new Queue(name, { connection, prefix: redisPrefix() }));
  holder.koiQueueBoards = {
    readOnly: board(queues, { readOnlyMode: true }, { text: "Allow retries…", url: RETRY_CONFIRM_PATH }),
    retry: board(
      queues,
      { readOnlyMode: false, allowRetries: true },
      { text: "Back to read-only", url: `${RETRY_CONFIRM_PATH}?end=1` },
    ),
  };
  return holder.koiQueueBoards;
}

function board(
  queues: Queue[],
  options: { readOnlyMode: boolean; allowRetries?: boolean },
  link: { text: string; url: string },
): Hono {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_CONSOLE_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, options)),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: options.readOnlyMode ? "Koi queues (read-only)" : "Koi queues (retries allowed)",
        miscLinks: [link, { text: "Koi admin", url: "/admin" }],
      },
    },
  });
  return new Hono().route(QUEUE_CONSOLE_PATH, serverAdapter.registerPlugin());
}
