import { describe, expect, it } from "vitest";
import { ZJoinWaitlistInput } from "./join-waitlist.schema.ts";

const valid = { email: "ada@example.test", name: "Ada", company: "Engines", fleetSize: "1-8", workloadType: "ONLINE" };

describe("ZJoinWaitlistInput (shared by the form and the server)", () => {
  it("trims and lower-cases the email, trims names", () => {
    expect(
      ZJoinWaitlistInput.parse({ ...valid, email: "  Ada@Example.TEST ", name: " Ada ", company: " Engines " }),
    ).toEqual(valid);
  });

  it.each([
    ["email", "ada@"],
    ["email", `${"a".repeat(250)}@x.io`],
    ["name", "   "],
    ["name", "x".repeat(121)],
    ["company", ""],
    ["fleetSize", "lots"],
    ["workloadType", "online"],
  ])("refuses a bad %s", (field, value) => {
    const result = ZJoinWaitlistInput.safeParse({ ...valid, [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual([field]);
  });

  it("refuses unknown fields", () => {
    expect(ZJoinWaitlistInput.safeParse({ ...valid, status: "APPROVED" }).success).toBe(false);
  });
});
