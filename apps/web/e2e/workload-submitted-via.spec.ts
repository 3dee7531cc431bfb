import { expect, test } from "@playwright/test";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { signInWithForm } from "./helpers/sign-in.ts";
import { createUserWithOrg } from "./support/db.ts";

const SUBMISSION = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requests: 1_000,
  avgInputTokens: 500,
  avgOutputTokens: 100,
  deadlineHours: 4,
};

test("a workload sent to the REST API with a key says 'via the API'; one sent by koi says 'via the CLI'", async ({
  page,
}) => {
  const user = await createUserWithOrg({ role: "OWNER" });
  const { secret } = await createApiKey({
    orgId: user.orgId,
    actorUserId: null,
    name: "e2e script",
    scopes: ["workloads:write", "workloads:read"],
    expiresAt: null,
  });
  const submit = async (name: string, userAgent: string) => {
    const res = await page.request.post("/api/v1/workloads", {
      headers: { authorization: `Bearer ${secret}`, "user-agent": userAgent },
      data: { ...SUBMISSION, name },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const script = await submit("e2e from a script", "python-requests/2.32");
  const cli = await submit("e2e from koi", "koi-cli/1");

  await signInWithForm(page, user);
  for (const [id, via] of [
    [script, "via the API"],
    [cli, "via the CLI"],
  ] as const) {
    await page.goto(`/o/${user.orgSlug}/workloads/${id}`);
    await expect(page.getByText(via)).toBeVisible();
  }
});
