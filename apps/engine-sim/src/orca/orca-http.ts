import type { IncomingMessage, ServerResponse } from "node:http";
import {
  KOI_CAPABILITIES_PATH,
  ZOrcaKillRequest,
  ZOrcaPdBatchedRequest,
  ZOrcaScaleRequest,
  ZOrcaSwapRequest,
} from "@koi/contracts";
import { bearerMatches, readJson, sendJson, sendText } from "../http-kit.ts";
import { killReplicas, scaleJob, swapJob } from "./orca-control.ts";
import { OrcaApiError, type OrcaEngine } from "./orca-engine.ts";
import { aggregateMetrics, replicaMetrics } from "./orca-metrics.ts";
import { chunksProgress, jobView, quotaStatusView, replicasView, resourcesView } from "./orca-views.ts";

/** Pydantic-style 422 body, so clients see what FastAPI would send. */
function validationDetail(issues: { code: string; path: PropertyKey[]; message: string; keys?: string[] }[]) {
  return {
    detail: issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? (issue.keys ?? []).map((key) => ({
            type: "extra_forbidden",
            loc: ["body", key],
            msg: "Extra inputs are not permitted",
          }))
        : [
            {
              type: /received undefined$/.test(issue.message) ? "missing" : "value_error",
              loc: ["body", ...issue.path.map(String)],
              msg: issue.message,
            },
          ],
    ),
  };
}

function localIso(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().replace("Z", "");
}

/**
 * The subset of Orca's REST API (C.1–C.5) that Koi's agent uses, with Orca's status codes: 422 for
 * a bad submit, 500 for unknown keys in scale/swap bodies and for swap without force, 401 on the
 * Bearer-protected routes when ORCA_API_KEY is set. Beyond Orca: Koi's prefill/decode extension
 * (`GET /koi/capabilities`, `koi_pd_groups` on submit; contracts `orca/pd-extension.ts`).
 */
export function createOrcaHandler(engine: OrcaEngine, options: { apiKey: string | null; simNow: () => number }) {
  const requireAuth = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!options.apiKey || bearerMatches(req, options.apiKey)) return true;
    sendJson(res, 401, { detail: "Unauthorized" });
    return false;
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    engine.advanceTo(options.simNow());
    const url = new URL(req.url ?? "/", "http://orca");
    const path = url.pathname;
    const method = req.method ?? "GET";

    try {
      if (method === "GET" && path === "/health") {
        const outbox = engine.outbox;
        return sendJson(res, 200, {
          status: "ok",
          redis_available: true,
          outbox_enabled: outbox.enabled,
          ...(outbox.enabled
            ? {
                outbox_pending: outbox.pending(),
                outbox_oldest_undelivered_age_secs: outbox.oldestUndeliveredAgeSeconds(),
              }
            : {}),
        });
      }
      if (method === "GET" && path === "/resources")
        return sendJson(res, 200, resourcesView(engine, localIso(engine.now)));
      if (method === "GET" && path === "/quota/status") return sendJson(res, 200, quotaStatusView(engine));
      if (method === "GET" && path === KOI_CAPABILITIES_PATH)
        return sendJson(res, 200, { capabilities: ["pd_disaggregation"] });
      if (method === "GET" && path === "/jobs") {
        return sendJson(res, 200, {
          jobs: [...engine.jobs.values()]
            .filter((j) => !engine.forgotten.has(j.id))
            .map((j) => ({
              job_id: j.id,
              status: j.status,
              progress: jobView(j).progress,
              model_name: j.model,
              num_lines: j.numLines,
              created_at: j.createdAt,
            })),
        });
      }
      if (method === "POST" && path === "/submit/batch") {
        let body: unknown;
        try {
          body = await readJson(req);
        } catch {
          return sendJson(res, 422, { detail: [{ type: "json_invalid", loc: ["body"], msg: "JSON decode error" }] });
        }
        const parsed = ZOrcaPdBatchedRequest.safeParse(body);
        if (!parsed.success) return sendJson(res, 422, validationDetail(parsed.error.issues as never));
        return sendJson(res, 200, engine.submit(parsed.data));
      }

      const match = /^\/job\/([^/]+)(\/.*)?$/.exec(path);
      if (!match) return sendJson(res, 404, { detail: "Not Found" });
      const jobId = decodeURIComponent(match[1]!);
      const rest = match[2] ?? "";

      if (method === "GET" && rest === "") return sendJson(res, 200, jobView(engine.job(jobId)));
      if (method === "GET" && rest === "/metrics") {
        const metrics = aggregateMetrics(engine, engine.job(jobId));
        return metrics ? sendJson(res, 200, metrics) : sendJson(res, 404, { detail: `No metrics for ${jobId}` });
      }
      if (method === "GET" && rest === "/replicas") return sendJson(res, 200, replicasView(engine.remembered(jobId)));
      const replicaMetricsMatch = /^\/replicas\/([^/]+)\/metrics$/.exec(rest);
      if (method === "GET" && replicaMetricsMatch) {
        const job = engine.job(jobId);
        const replica = job.replicas.get(decodeURIComponent(replicaMetricsMatch[1]!));
        const snapshot = replica ? replicaMetrics(engine, job, replica) : null;
        return snapshot ? sendJson(res, 200, snapshot) : sendJson(res, 404, { detail: "No metrics for replica" });
      }
      if (method === "GET" && rest === "/chunks/progress") {
        if (!requireAuth(req, res)) return;
        return sendJson(res, 200, chunksProgress(engine.chunkQueue(jobId)));
      }
      if (method === "POST" && (rest === "/scale" || rest === "/swap" || rest === "/kill")) {
        if (!requireAuth(req, res)) return;
        const body = await readJson(req).catch(() => undefined);
        if (rest === "/kill") {
          const parsed = ZOrcaKillRequest.safeParse(body);
          if (!parsed.success) return sendJson(res, 400, { detail: "replica_ids (non-empty list) is required" });
          return sendJson(res, 200, killReplicas(engine, jobId, parsed.data.replica_ids));
        }
        if (rest === "/scale") {
          // The model is validated inside the handler: unknown keys or a bad count surface as 500.
          const parsed = ZOrcaScaleRequest.safeParse(body);
          if (!parsed.success) return sendText(res, 500, "Internal Server Error");
          return sendJson(res, 200, scaleJob(engine, jobId, parsed.data));
        }
        const parsed = ZOrcaSwapRequest.safeParse(body);
        if (!parsed.success) return sendText(res, 500, "Internal Server Error");
        engine.job(jobId);
        // Without force the real handler calls the feasibility helper with keywords it does not take: TypeError → 500.
        if (parsed.data.force !== true) return sendText(res, 500, "Internal Server Error");
        return sendJson(res, 200, swapJob(engine, jobId, parsed.data));
      }
      return sendJson(res, 404, { detail: "Not Found" });
    } catch (error) {
      if (error instanceof OrcaApiError) return sendJson(res, error.status, error.body);
      throw error;
    }
  };
}
