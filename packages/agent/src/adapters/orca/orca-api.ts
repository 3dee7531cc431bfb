import {
  KOI_CAPABILITIES_PATH,
  ZKoiCapabilities,
  ZOrcaChunksProgress,
  ZOrcaJob,
  ZOrcaJobsList,
  ZOrcaKillResponse,
  ZOrcaMetricsSnapshot,
  ZOrcaQuotaStatus,
  ZOrcaReplicas,
  ZOrcaResources,
  ZOrcaScaleResponse,
  ZOrcaSubmitResponse,
  ZOrcaSwapResponse,
  type TOrcaPdBatchedRequest,
  type TOrcaScaleRequest,
  type TOrcaSwapRequest,
} from "@koi/contracts";
import { EngineHttpError, engineRequest } from "../types.ts";

/**
 * Orca's controller-facing REST API (ENGINE_CONTRACTS C). The Bearer key goes only where Orca
 * checks it (scale, kill, swap, chunks/progress); every other route is unauthenticated.
 */
export class OrcaApi {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | null,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, "")}${path}`;
  }

  private auth(): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
  }

  private job(id: string, rest = ""): string {
    return this.url(`/job/${encodeURIComponent(id)}${rest}`);
  }

  /**
   * What the engine declares beyond Orca's API (Koi's extensions, contracts `orca/pd-extension.ts`):
   * Orca as published has no such route and answers an HTTP error, which means none. A network
   * failure is thrown: it says nothing about the engine.
   */
  async koiCapabilities(): Promise<string[]> {
    try {
      return ZKoiCapabilities.parse(
        await engineRequest(this.fetchImpl, this.url(KOI_CAPABILITIES_PATH), {}, "Orca /koi/capabilities"),
      ).capabilities;
    } catch (error) {
      if (error instanceof EngineHttpError) return [];
      throw error;
    }
  }

  async submit(body: TOrcaPdBatchedRequest) {
    return ZOrcaSubmitResponse.parse(
      await engineRequest(
        this.fetchImpl,
        this.url("/submit/batch"),
        { method: "POST", body, timeoutMs: 60_000 },
        "Orca /submit/batch",
      ),
    );
  }

  async getJob(id: string) {
    return ZOrcaJob.parse(await engineRequest(this.fetchImpl, this.job(id), {}, "Orca /job"));
  }

  async listJobs() {
    return ZOrcaJobsList.parse(await engineRequest(this.fetchImpl, this.url("/jobs"), {}, "Orca /jobs"));
  }

  /** Koi v2 read a 404 as all-zero progress; so do we (null). */
  async chunksProgress(id: string) {
    try {
      return ZOrcaChunksProgress.parse(
        await engineRequest(
          this.fetchImpl,
          this.job(id, "/chunks/progress"),
          { headers: this.auth() },
          "Orca /chunks/progress",
        ),
      );
    } catch (error) {
      if (error instanceof EngineHttpError && error.status === 404) return null;
      throw error;
    }
  }

  async metrics(id: string) {
    try {
      return ZOrcaMetricsSnapshot.parse(
        await engineRequest(this.fetchImpl, this.job(id, "/metrics"), {}, "Orca /metrics"),
      );
    } catch (error) {
      if (error instanceof EngineHttpError && error.status === 404) return null;
      throw error;
    }
  }

  async replicaMetrics(id: string, replicaId: string) {
    try {
      return ZOrcaMetricsSnapshot.parse(
        await engineRequest(
          this.fetchImpl,
          this.job(id, `/replicas/${encodeURIComponent(replicaId)}/metrics`),
          {},
          "Orca replica metrics",
        ),
      );
    } catch (error) {
      if (error instanceof EngineHttpError && error.status === 404) return null;
      throw error;
    }
  }

  async replicas(id: string) {
    return ZOrcaReplicas.parse(await engineRequest(this.fetchImpl, this.job(id, "/replicas"), {}, "Orca /replicas"));
  }

  async scale(id: string, body: TOrcaScaleRequest) {
    return ZOrcaScaleResponse.parse(
      await engineRequest(
        this.fetchImpl,
        this.job(id, "/scale"),
        { method: "POST", body, headers: this.auth() },
        "Orca /scale",
      ),
    );
  }

  async swap(id: string, body: TOrcaSwapRequest) {
    return ZOrcaSwapResponse.parse(
      await engineRequest(
        this.fetchImpl,
        this.job(id, "/swap"),
        { method: "POST", body, headers: this.auth() },
        "Orca /swap",
      ),
    );
  }

  async kill(id: string, replicaIds: string[]) {
    return ZOrcaKillResponse.parse(
      await engineRequest(
        this.fetchImpl,
        this.job(id, "/kill"),
        { method: "POST", body: { replica_ids: replicaIds }, headers: this.auth() },
        "Orca /kill",
      ),
    );
  }

  async resources() {
    return ZOrcaResources.parse(await engineRequest(this.fetchImpl, this.url("/resources"), {}, "Orca /resources"));
  }

  async quotaStatus() {
    return ZOrcaQuotaStatus.parse(
      await engineRequest(this.fetchImpl, this.url("/quota/status"), {}, "Orca /quota/status"),
    );
  }
}
