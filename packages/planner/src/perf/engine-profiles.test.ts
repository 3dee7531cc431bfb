import { describe, expect, it } from "vitest";
import { engineFromName } from "./engine-profiles.ts";

describe("engineFromName", () => {
  it("reads the generation from the version or the year", () => {
    expect(engineFromName("vllm 0.10.0").generation).toBe("modern");
    expect(engineFromName("vllm 0.5.4").generation).toBe("legacy");
    expect(engineFromName("splitwise profiling (2023)").generation).toBe("legacy");
  });

  it("runs pipeline stages without microbatches only on vLLM's V1 engine (0.8 on, or unversioned)", () => {
    expect(engineFromName("vllm 0.10.0").pipelineMicrobatches).toBe(false);
    expect(engineFromName("vllm 0.8.0").pipelineMicrobatches).toBe(false);
    expect(engineFromName("vllm").pipelineMicrobatches).toBe(false);
    expect(engineFromName("vllm 0.7.3").pipelineMicrobatches).toBe(true);
    expect(engineFromName("vllm 0.5.4").pipelineMicrobatches).toBe(true);
    expect(engineFromName("tensorrt-llm 0.6").pipelineMicrobatches).toBe(true);
  });
});
