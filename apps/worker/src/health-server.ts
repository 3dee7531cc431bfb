import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@koi/core/logger";
import type { PrismaClient } from "@koi/db";
import type { Queue } from "bullmq";
import type { TMetricsHandler } from "./metrics/serve-metrics.ts";
import { withTimeout } from "./with-timeout.ts";

export type TQueueCounts = { waiting: number; active: number; failed: number; delayed: number };

export type THealthReport = {
  status: "ok" | "unavailable";
  checks: { redis: "ok" | "down"; postgres: "ok" | "down" };
  queues: Record<string, TQueueCounts>;
  outbox: { pending: number; oldestAgeSeconds: number } | null;
};

export type THealthDeps = {
  db: PrismaClient;
  queues: ReadonlyMap<string, Pick<Queue, "getJobCounts">>;
  timeoutMs?: number;
};

/** Redis answers when every queue's counts come back; Postgres when the outbox backlog does. */
export async function collectHealth(deps: THealthDeps, now = Date.now()): Promise<THealthReport> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const [queues, outbox] = await Promise.all([
    withTimeout(countQueues(deps.queues), timeoutMs, "redis health check").catch(() => null),
    withTimeout(outboxBacklog(deps.db, now), timeoutMs, "postgres health check").catch(() => null),
  ]);
  const checks = { redis: queues ? "ok" : "down", postgres: outbox ? "ok" : "down" } as const;
  return { status: queues && outbox ? "ok" : "unavailable", checks, queues: queues ?? {}, outbox };
}

async function countQueues(queues: THealthDeps["queues"]): Promise<Record<string, TQueueCounts>> {
  const entries = await Promise.all(
    [...queues].map(async ([name, queue]) => {
      const c = await queue.getJobCounts("waiting", "active", "failed", "delayed");
      return [
        name,
        { waiting: c.waiting ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 },
      ] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function outboxBacklog(db: PrismaClient, now: number) {
  const agg = await db.outboxEvent.aggregate({
    where: { publishedAt: null },
    _count: { _all: true },
    _min: { createdAt: true },
  });
  const oldest = agg._min.createdAt;
  return {
    pending: agg._count._all,
    oldestAgeSeconds: oldest ? Math.max(0, Math.round((now - oldest.getTime()) / 1000)) : 0,
  };
}

export type THealthServer = { port: number; address: string; close(): Promise<void> };

/**
 * `GET /healthz`: 200 with the report when Redis and Postgres answer, 503 otherwise; `GET /metrics`
 * (Prometheus) when a metrics handler is given. Loopback by default (KOI_WORKER_HEALTH_HOST): the
 * report names queues and backlog sizes, nothing for strangers.
 */
export async function startHealthServer(
  port: number,
  collect: () => Promise<THealthReport>,
  log: Logger,
  host = "127.0.0.1",
  metrics?: TMetricsHandler,
): Promise<THealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (metrics && req.method === "GET" && path === "/metrics") {
      metrics(req)
        .then((answer) => res.writeHead(answer.status, answer.headers).end(answer.body))
        .catch((err: unknown) => {
          log.error({ err }, "metrics scrape crashed");
          res.writeHead(500).end();
        });
      return;
    }
    if (req.method !== "GET" || path !== "/healthz") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    collect()
      .then((report) => {
        res.writeHead(report.status === "ok" ? 200 : 503, {
          "content-type": "application/json",
          "cache-control": "no-store",
        });
        res.end(JSON.stringify(report));
      })
      .catch((err: unknown) => {
        log.error({ err }, "health check crashed");
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "unavailable" }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    address: (server.address() as AddressInfo).address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
