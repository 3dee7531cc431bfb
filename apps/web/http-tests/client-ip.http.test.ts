import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOwner, http, signIn, trpcMutation } from "./support/http.ts";

const spoofed = (i: number) => ({ "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `198.51.100.${i}` });

describe("per-IP limits hold against forged client-address headers (KOI_TRUST_PROXY=0)", () => {
  it("waitlist: a new X-Forwarded-For per request does not buy more sign-ups than the limit (5)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await trpcMutation(
        "waitlist.join",
        {
          email: `spoof-${randomBytes(4).toString("hex")}@example.test`,
          name: "Mallory",
          company: "Forgers",
          fleetSize: "9-64",
          workloadType: "BOTH",
        },
        spoofed(i),
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it("sign-in: after 10 wrong passwords from 'different' addresses the right one is refused too", async () => {
    const { user, password } = await createOwner();
    for (let i = 0; i < 10; i++) {
      const wrong = await signIn(user.email, `wrong-${i}`, spoofed(i));
      expect(wrong.cookie).toBeNull();
    }
    const right = await signIn(user.email, password, spoofed(99));
    expect(right.cookie).toBeNull();
    expect(right.location).toContain("rate_limited");
  });

  it("sign-in: only failed attempts use the limit up; the right password twelve times in a row signs in twelve times", async () => {
    const { user, password } = await createOwner();
    for (let i = 0; i < 12; i++) {
      const right = await signIn(user.email, password);
      expect(right.location, `sign-in ${i + 1}`).not.toContain("rate_limited");
      expect(right.cookie, `sign-in ${i + 1}`).not.toBeNull();
    }
  });

  it("/dev/mail does not exist in a production build", async () => {
    expect((await http("/dev/mail")).status).toBe(404);
  });
});
