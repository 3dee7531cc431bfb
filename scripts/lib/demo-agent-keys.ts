// Fresh API keys for the local demo (start.sh): one engine key per demo agent and one
// workloads key for the scenario, for the demo organisation. The previous demo keys are
// revoked first, so a key printed by an earlier run stops working. Postgres stores only
// hashes; the secrets go to .koi/demo/keys.json (mode 600, or KOI_DEMO_KEYS_FILE), which start.sh reads.
//
//   node --import tsx scripts/lib/demo-agent-keys.ts
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rotateNamedApiKeys } from "@koi/auth/api-keys/rotate-named-api-keys";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = process.env.KOI_DEMO_KEYS_FILE ?? join(ROOT, ".koi", "demo", "keys.json");

const org = await prisma.organization.findUnique({ where: { slug: "acme" }, select: { id: true } });
if (!org) {
  process.stderr.write("demo-agent-keys: the demo organisation (slug acme) is missing: run `npm run db:seed` first\n");
  process.exit(1);
}
// The previous demo's simulators (and every job they ran) are gone: close that run's unfinished
// work, so it holds no GPUs in Koi's view, and fence its assignments (epoch + 1) so reports the
// restarted agents still have spooled for them are refused (409) instead of reopening them.
const closed = await prisma.$transaction(async (tx) => {
  const stale = await tx.workload.findMany({
    where: { orgId: org.id, status: { in: ["PENDING", "PLANNING", "DISPATCHING", "RUNNING", "PAUSED"] } },
    select: { id: true },
  });
  const ids = stale.map((w) => w.id);
  await tx.command.updateMany({
    where: { orgId: org.id, status: { in: ["PENDING", "LEASED"] } },
    data: { status: "CANCELLED" },
  });
  await tx.assignment.updateMany({
    where: { orgId: org.id, workloadId: { in: ids }, state: { notIn: ["completed", "failed", "stopped", "lost"] } },
    data: { state: "stopped", epoch: { increment: 1 }, lastSeq: -1 },
  });
  await tx.workload.updateMany({
    where: { id: { in: ids } },
    data: { status: "CANCELLED", statusDetail: "ended with the previous demo run", completedAt: new Date() },
  });
  return ids.length;
});
if (closed) process.stdout.write(`demo: closed ${closed} unfinished workload(s) of the previous demo run\n`);

const { created, revokedIds } = await rotateNamedApiKeys({
  orgId: org.id,
  namePrefix: "demo: ",
  keys: [
    { name: "agent orca-east", scopes: ["engine"] },
    { name: "agent orca-west", scopes: ["engine"] },
    { name: "agent tuna", scopes: ["engine"] },
    { name: "scenario", scopes: ["workloads:read", "workloads:write"] },
  ],
});
mkdirSync(dirname(OUT), { recursive: true, mode: 0o700 });
const byName = Object.fromEntries(created.map((k) => [k.name.replace(/^agent /, ""), k.secret]));
writeFileSync(OUT, `${JSON.stringify(byName, null, 2)}\n`, { mode: 0o600 });
chmodSync(OUT, 0o600);
process.stdout.write(`demo keys: ${created.length} created, ${revokedIds.length} previous revoked → ${OUT}\n`);
await prisma.$disconnect();
await getRedis().quit();
