import { describe, expect, it } from "vitest";
import { resolveWebhookTarget, type TWebhookPolicy } from "./webhook-target.ts";

const strict: TWebhookPolicy = { production: true, allowedHosts: [] };
const refusal = (url: string, policy: TWebhookPolicy = strict) =>
  resolveWebhookTarget(url, policy).then(
    () => "accepted",
    (e: { publicCode?: string; message: string }) => `${e.publicCode}: ${e.message}`,
  );

describe("resolveWebhookTarget", () => {
  it.each([
    "http://127.0.0.1:6379/",
    "https://127.0.0.1/",
    "https://localhost:5432/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/",
    "https://10.0.0.5/",
    "https://100.64.1.1/",
    "https://[::ffff:10.0.0.5]/",
    "https://0.0.0.0/",
    "https://224.0.0.1/",
  ])("refuses %s", async (url) => {
    expect(await refusal(url)).toMatch(/^webhook_target_refused: /);
  });

  it("pins a public address and keeps the URL", async () => {
    const target = await resolveWebhookTarget("https://93.184.215.14/hook", strict);
    expect(target.pinned).toEqual({ address: "93.184.215.14", family: 4 });
    expect(target.url.pathname).toBe("/hook");
  });

  it("lets exempt hosts through, over http only outside production", async () => {
    const dev = { production: false, allowedHosts: ["localhost"] };
    expect(await refusal("http://localhost:4000/hook", dev)).toBe("accepted");
    expect(await refusal("http://localhost:4000/hook", { ...dev, production: true })).toMatch(/https/);
    expect(await refusal("http://127.0.0.1:4000/hook", dev)).toMatch(/https/);
  });

  it("refuses credentials in the URL and other schemes", async () => {
    expect(await refusal("https://u:p@93.184.215.14/")).toMatch(/user name or password/);
    expect(await refusal("ftp://93.184.215.14/")).toMatch(/https/);
  });
});
