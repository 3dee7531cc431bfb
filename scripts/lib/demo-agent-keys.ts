// Fresh API keys for the local demo (start.sh): one engine key per demo agent and one
// workloads key for the scenario, for the demo organisation. The previous demo keys are
// revoked first, so a key printed by an earlier run stops working. Postgres stores only
// hashes; the secrets go to .koi/demo/keys.json (mode 600), which start.sh reads.
//
//   node --import tsx scripts/lib/demo-agent-keys.ts
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rotateNamedApiKeys } from "@koi/auth/api-keys/rotate-named-api-keys";
import { getRedis } from "@koi/core/redis";
import { prisma } from "@koi/db";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, ".koi", "demo", "keys.json");

const org = await prisma.organization.findUnique({ where: { slug: "acme" }, select: { id: true } });
if (!org) {
  process.stderr.write("demo-agent-keys: the demo organisation (slug acme) is missing: run `npm run db:seed` first\n");
  process.exit(1);
}
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
process.stdout.write(`demo keys: ${created.length} created, ${revokedIds.length} previous revoked → .koi/demo/keys.json\n`);
await prisma.$disconnect();
await getRedis().quit();
