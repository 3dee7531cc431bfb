// Creates the database named in DATABASE_URL when it does not exist yet (CREATE DATABASE cannot
// run inside it, so this connects to the server's `postgres` database first).
// usage: node scripts/lib/ensure-database.mjs   (reads DATABASE_URL)
import pg from "pg";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
const target = new URL(url);
const name = decodeURIComponent(target.pathname.slice(1));
if (!/^[A-Za-z0-9_-]+$/.test(name)) {
  console.error(`refusing to create a database with the unusual name "${name}"`);
  process.exit(1);
}
const admin = new URL(url);
admin.pathname = "/postgres";

const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (rowCount) {
    console.log(`database "${name}" exists`);
  } else {
    await client.query(`CREATE DATABASE "${name}"`);
    console.log(`created database "${name}"`);
  }
} catch (error) {
  console.error(`cannot reach Postgres as ${target.username || "(no user)"}@${target.host}: ${error.message}`);
  if (["28P01", "28000"].includes(error.code)) {
    // Debian/Ubuntu's own postgresql package asks for a password over TCP; the default
    // DATABASE_URL has none.
    console.error(`
Postgres refused the login. Either set a password and put it in .env:
    sudo -u postgres psql -c "ALTER USER postgres PASSWORD 'postgres'"
    DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/${name}
or trust local TCP logins on a development machine (add above the other lines of pg_hba.conf,
then: sudo service postgresql reload):
    host all all 127.0.0.1/32 trust`);
  }
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
