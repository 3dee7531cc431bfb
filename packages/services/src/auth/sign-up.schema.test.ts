import { describe, expect, it } from "vitest";
import { ZSignUpInput } from "./sign-up.schema.ts";

describe("ZSignUpInput", () => {
  it("normalises the email and trims the name", () => {
    expect(ZSignUpInput.parse({ email: "  Ada@Example.TEST ", name: " Ada ", password: "0123456789" })).toEqual({
      email: "ada@example.test",
      name: "Ada",
      password: "0123456789",
    });
  });

  it.each([
    ["a 9-character password", { name: "A", password: "123456789" }],
    ["a 201-character password", { name: "A", password: "x".repeat(201) }],
    ["an empty name", { name: "  ", password: "0123456789" }],
    ["a bad email", { email: "nope", name: "A", password: "0123456789" }],
    ["unknown keys", { name: "A", password: "0123456789", orgId: "org_1" }],
  ])("rejects %s", (_label, input) => {
    expect(ZSignUpInput.safeParse(input).success).toBe(false);
  });

  it("accepts 10 and 200 characters", () => {
    expect(ZSignUpInput.safeParse({ name: "A", password: "x".repeat(10) }).success).toBe(true);
    expect(ZSignUpInput.safeParse({ name: "A", password: "x".repeat(200) }).success).toBe(true);
  });
});
