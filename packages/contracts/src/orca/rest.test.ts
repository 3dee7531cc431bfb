import { describe, expect, it } from "vitest";
import { ZOrcaJob, ZOrcaQuotaStatus, ZOrcaReplicas } from "./rest.ts";

// Shapes the real Orca serves that its declared types do not promise (ENGINE_CONTRACTS C.3, C.4):
// a poll that refuses them would stop every report of the engine.

describe("Orca REST answers as Orca really serves them", () => {
  it("reads a job whose status is a runner phase, and a progress a hair above 1 as 1", () => {
    const job = ZOrcaJob.parse({ job_id: "mo-llama70b-a3f7", status: "startup_failed", progress: 1.00004 });
    expect(job).toMatchObject({ status: "startup_failed", progress: 1 });
    expect(ZOrcaJob.safeParse({ job_id: "mo-llama70b-a3f7", status: "running", progress: -0.1 }).success).toBe(false);
  });

  it("reads a replica whose phase Orca does not know yet", () => {
    const parsed = ZOrcaReplicas.parse({ replicas: [{ replica_id: "mo-llama70b-a3f7-r0", phase: "unknown" }] });
    expect(parsed.replicas[0]?.phase).toBe("unknown");
  });

  it('reads /quota/status with its "Usage %" formatted for people', () => {
    const row = { Region: "us-east-1", Market: "spot", Family: "G", Baseline: 384, Used: 192, Available: 192 };
    const parsed = ZOrcaQuotaStatus.parse({
      status: "success",
      quota_usage: [
        { ...row, "Usage %": "50.0%" },
        { ...row, Family: "P", Baseline: 0, Used: 0, Available: 0, "Usage %": "N/A" },
      ],
      active_reservations: [],
    });
    expect(parsed.quota_usage.map((r) => r.Used)).toEqual([192, 0]);
  });
});
