// usage: node scripts/wasm-migrate.mjs deploy | dev <name>
import { createMigration, deployMigrations } from "./schema-engine.mjs";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/koi)");
  process.exit(1);
}
const [cmd, name = "migration"] = process.argv.slice(2);
if (cmd === "deploy") {
  const applied = await deployMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} else if (cmd === "dev") {
  const created = await createMigration(url, name);
  console.log(created ? `created ${created}` : "no schema changes");
} else {
  console.error("usage: wasm-migrate.mjs deploy | dev <name>");
  process.exit(1);
}
process.exit(0);
