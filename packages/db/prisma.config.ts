import { defineConfig } from "prisma/config";

// DATABASE_URL is only read by the migration script and the runtime client; `prisma generate` needs none.
export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
});
