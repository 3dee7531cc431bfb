import { z } from "zod";
import { named } from "../registry.ts";

/** What Koi's `/api/v1/orca/job/*` compatibility ingest answers. Orca reads only the status code. */
export const ZOrcaIngestResponse = named(
  "OrcaIngestResponse",
  z.strictObject({
    status: z.enum(["recorded", "duplicate_ignored"]),
    event_id: z.string().min(1).max(256),
  }),
);
export type TOrcaIngestResponse = z.infer<typeof ZOrcaIngestResponse>;
