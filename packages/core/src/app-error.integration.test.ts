import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient, prisma, type PrismaClient } from "@koi/db";
import { toAppError } from "./app-error.ts";

const clients: PrismaClient[] = [];
afterAll(() => Promise.all(clients.map((c) => c.$disconnect().catch(() => undefined))));

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the query to fail");
    },
    (e: unknown) => e,
  );

describe("toAppError on real Postgres failures", () => {
  it("a connection terminated mid-query (a Postgres restart) is 503 with Retry-After", async () => {
    const client = createPrismaClient(process.env.DATABASE_URL!);
    clients.push(client);
    const tag = `koi-terminate-${Date.now()}`;
    const running = failure(client.$queryRawUnsafe(`SELECT pg_sleep(5) /* ${tag} */`));
    await sleep(500);
    await prisma.$queryRawUnsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%${tag}%' AND pid <> pg_backend_pid()`,
    );
    const err = await running;
    expect(toAppError(err)).toMatchObject({ code: "UNAVAILABLE", retryAfterSeconds: expect.any(Number) });
  });

  it("a pool that stays full past its timeout is 503 with Retry-After", async () => {
    process.env.KOI_DB_POOL_SIZE = "1";
    process.env.KOI_DB_POOL_TIMEOUT_MS = "200";
    const client = createPrismaClient(process.env.DATABASE_URL!);
    delete process.env.KOI_DB_POOL_SIZE;
    delete process.env.KOI_DB_POOL_TIMEOUT_MS;
    clients.push(client);
    // .then starts the query (Prisma's promises are lazy) and holds the only connection.
    const holding = client.$queryRawUnsafe("SELECT pg_sleep(2)::text").then(() => undefined);
    await sleep(200);
    const err = await failure(client.$queryRawUnsafe("SELECT 1"));
    await holding;
    expect(toAppError(err)).toMatchObject({ code: "UNAVAILABLE", retryAfterSeconds: expect.any(Number) });
  });
});
