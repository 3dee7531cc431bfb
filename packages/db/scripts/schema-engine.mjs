// Prisma 7 migrations without the native schema-engine binary (which cannot be downloaded here):
// drives the published wasm schema engine through @prisma/adapter-pg.
import "./pg-catalog-patch.mjs";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const schemaPath = path.join(repoRoot, "prisma/schema.prisma");
const migrationsDir = path.join(repoRoot, "prisma/migrations");
const filters = { externalTables: [], externalEnums: [] };

async function loadEngine() {
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
  const inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmPath)), {
    "./schema_engine_bg.js": bg,
  });
  bg.__wbg_set_wasm(inst.exports);
  inst.exports.__wbindgen_start();
  return bg.SchemaEngine;
}

// Discrete fields, not a connection string: pg ignores the `database` override that the
// shadow-database connection uses when a connectionString is given.
function pgConfig(url) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || "postgres",
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

function migrationsList() {
  const dirs = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((d) => {
      const f = path.join(migrationsDir, d, "migration.sql");
      return {
        path: d,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(f)
            ? { tag: "ok", value: fs.readFileSync(f, "utf8") }
            : { tag: "error", value: "missing" },
        },
      };
    }),
  };
}

/**
 * adapter-pg's `executeScript` splits a migration at every ";", inside comments and function bodies
 * too, which breaks any plpgsql (the live-change triggers). Postgres runs a multi-statement script
 * itself (simple query protocol, as one implicit transaction), so the script is sent whole.
 */
function sendScriptsWhole(factory, opened) {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    opened.push(adapter);
    adapter.executeScript = async (script) => {
      await adapter
        .underlyingDriver()
        .query(script)
        .catch((error) => adapter.onError(error));
    };
    return adapter;
  };
  return factory;
}

async function openEngine(databaseUrl) {
  const schemaContent = fs.readFileSync(schemaPath, "utf8");
  const SchemaEngine = await loadEngine();
  // The pools the engine opens stay connected after `free()`: closed here, so a database just
  // migrated can be dropped or copied (CREATE DATABASE … TEMPLATE wants it unused).
  const opened = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(sendScriptsWhole(new PrismaPg(pgConfig(databaseUrl)), opened));
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schemaContent]] },
    (log) => process.env.DEBUG && console.error(log),
    adapter,
  );
  const close = async () => {
    engine.free?.();
    await Promise.all(opened.map((a) => a.dispose()));
  };
  return { engine, close, files: [{ path: schemaPath, content: schemaContent }] };
}

/** Applies every committed migration that the database has not seen; returns their names. */
export async function deployMigrations(databaseUrl) {
  const { engine, close } = await openEngine(databaseUrl);
  try {
    const res = await engine.applyMigrations({ migrationsList: migrationsList(), filters });
    return res.appliedMigrationNames;
  } finally {
    await close();
  }
}

/** Like `prisma migrate dev` without a shadow database: diff the live database against schema.prisma. */
export async function createMigration(databaseUrl, name) {
  const { engine, close, files } = await openEngine(databaseUrl);
  try {
    await engine.applyMigrations({ migrationsList: migrationsList(), filters });
    const d = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: repoRoot },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters,
    });
    if (!d.stdout || /^-- This is an empty migration/.test(d.stdout.trim())) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), d.stdout);
    const lock = path.join(migrationsDir, "migration_lock.toml");
    if (!fs.existsSync(lock))
      fs.writeFileSync(lock, `# Please do not edit this file manually\nprovider = "postgresql"\n`);
    await engine.applyMigrations({ migrationsList: migrationsList(), filters });
    return path.basename(dir);
  } finally {
    await close();
  }
}
