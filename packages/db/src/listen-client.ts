import pg from "pg";

/**
 * A connection of its own for LISTEN: notifications arrive on the connection that listens, so it
 * cannot be one the pool lends to other queries.
 */
export function createListenClient(): pg.Client {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  return new pg.Client({ connectionString: url, application_name: "koi-live" });
}
