import { describe, expect, it } from "vitest";
import { parseArgs } from "./parse-args.ts";

const base = ["--koi-url", "http://koi:3000", "--api-key", "k", "--engine", "tuna", "--engine-url", "http://tuna:8080"];

describe("parseArgs: Tuna spot services on other GPU types", () => {
  it("reads each --tuna-variant as GPU[:GPUs per replica]=URL, and the switch command's words", () => {
    const config = parseArgs(
      [
        ...base,
        "--tuna-variant",
        "L40S=http://controller:30002",
        "--tuna-variant",
        "A100-80GB:2=http://controller:30003/",
        "--tuna-switch-command",
        "repoint-watcher {variant} {url}",
      ],
      {},
    );
    expect(config.tuna.variants).toEqual([
      { gpuType: "L40S", gpuCount: 1, spotUrl: "http://controller:30002" },
      { gpuType: "A100-80GB", gpuCount: 2, spotUrl: "http://controller:30003/" },
    ]);
    expect(config.tuna.switchCommand).toEqual(["repoint-watcher", "{variant}", "{url}"]);
  });

  it("refuses a variant that is not GPU=URL, and two spot services on one GPU type", () => {
    expect(() => parseArgs([...base, "--tuna-variant", "L40S"], {})).toThrow(/tuna\.variants\.0/);
    expect(() => parseArgs([...base, "--tuna-variant", "L40S=not a url"], {})).toThrow(/tuna\.variants\.0/);
    expect(() => parseArgs([...base, "--tuna-variant", "L40S=ftp://controller:30002"], {})).toThrow(
      /tuna\.variants\.0/,
    );
    expect(() => parseArgs([...base, "--tuna-gpu", "L40S", "--tuna-variant", "L40S=http://c:1"], {})).toThrow(
      /its own GPU type/,
    );
    expect(() =>
      parseArgs([...base, "--tuna-variant", "L40S=http://c:1", "--tuna-scaling-policy-command", "apply {file}"], {}),
    ).toThrow(/needs \{variant\}/);
  });
});

describe("parseArgs: the router's serverless token", () => {
  it("comes from KOI_TUNA_SERVERLESS_TOKEN, never a flag, and keeps the other Tuna settings", () => {
    const config = parseArgs([...base, "--tuna-gpu", "L40S"], { KOI_TUNA_SERVERLESS_TOKEN: "sk-serverless" });
    expect(config.tuna).toMatchObject({ serverlessAuthToken: "sk-serverless", gpuType: "L40S" });
    expect(() => parseArgs([...base, "--tuna-serverless-token", "x"], {})).toThrow(/unknown option/);
  });
});
