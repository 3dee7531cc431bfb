import { afterAll } from "vitest";
import { getPrisma } from "../packages/db/src/index.ts";

afterAll(async () => {
  await getPrisma().$disconnect();
});
