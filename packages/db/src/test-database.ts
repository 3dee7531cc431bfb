import { randomBytes } from "node:crypto";
import pg from "pg";
// @ts-expect-error -- plain ESM script shared with the migration CLI; it has no type declarations.
import { deployMigrations } from "../scripts/schema-engine.mjs";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Tests create and drop databases: refuse anything that is not on this machine. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!LOCAL_HOSTS.has(host)) throw new Error(`refusing to run tests against non-local database host ${host}`);
}

/**
 * Runs `work` on a connection to the `postgres` database of `anyUrl`'s server: a database cannot be
 * created from, or dropped while connected to, itself or its template.
 */
async function asAdmin<T>(anyUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(anyUrl);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Creates a fresh database beside `baseUrl`, applies every migration, returns its URL. */
export async function createThrowawayDatabase(baseUrl: string, label: string): Promise<string> {
  assertLocalDatabase(baseUrl);
  const name = `koi_${label}_${randomBytes(4).toString("hex")}`;
  await asAdmin(baseUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await deployMigrations(url.toString());
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  assertLocalDatabase(databaseUrl);
  const name = new URL(databaseUrl).pathname.slice(1);
  await asAdmin(databaseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** The database named `<template>_<suffix>`, copied from `templateUrl` the first time it is asked for. */
export async function databaseCopy(templateUrl: string, suffix: string): Promise<string> {
  assertLocalDatabase(templateUrl);
  const url = new URL(templateUrl);
  const template = url.pathname.slice(1);
  const name = `${template}_${suffix}`;
  await asAdmin(templateUrl, async (admin) => {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every copy `databaseCopy` made of `templateUrl`. */
export async function dropDatabaseCopies(templateUrl: string): Promise<void> {
  assertLocalDatabase(templateUrl);
  const template = new URL(templateUrl).pathname.slice(1);
  await asAdmin(templateUrl, async (admin) => {
    const copies = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [`${template}_`],
    );
    for (const { datname } of copies.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
