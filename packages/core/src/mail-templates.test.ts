import { describe, expect, it } from "vitest";
import { invitationMail, plainName, waitlistConfirmationMail } from "./mail-templates.ts";

describe("plainName", () => {
  it("keeps an ordinary name, quoted", () => {
    expect(plainName("Acme AI")).toBe("“Acme AI”");
  });

  it("makes free text unable to carry a link, a second line or a wall of text", () => {
    expect(plainName("Acme\r\nBcc: x@evil.example")).toBe("“Acme Bcc: x@evil[.]example”");
    expect(plainName("Claim your prize at https://evil.example/login")).toBe(
      "“Claim your prize at evil[.]example/login”",
    );
    expect(plainName("x".repeat(200))).toHaveLength(62);
  });

  // Each of these is the host evil.com to a URL parser (WHATWG/IDNA), and most mail clients link it.
  it.each([
    ["an ideographic full stop", "sign in at evil\u3002com"],
    ["a fullwidth full stop", "sign in at evil\uff0ecom"],
    ["a halfwidth ideographic full stop", "sign in at evil\uff61com"],
    ["a zero-width space before the dot", "sign in at evil\u200b.com"],
    ["a soft hyphen before the dot", "sign in at evil\u00ad.com"],
    ["a fullwidth colon in the scheme", "sign in at https\uff1a//evil.com"],
    ["a combining grapheme joiner before the dot", "sign in at evil\u034f.com"],
    ["a variation selector before the dot", "sign in at evil\ufe0f.com"],
    ["a Mongolian free variation selector before the dot", "sign in at evil\u180b.com"],
    ["a combining grapheme joiner after the dot", "sign in at evil.\u034fcom"],
  ])("defangs a host written with %s", (_label, name) => {
    expect(plainName(name)).toBe("“sign in at evil[.]com”");
  });
});

describe("invitationMail", () => {
  it("never puts an org name's link into the subject, text or html", () => {
    const mail = invitationMail({
      orgName: "Visit https://evil.example now",
      inviterName: "Mallory\nhttp://phish.example",
      role: "MEMBER",
      acceptUrl: "http://localhost:3000/invite/accept?token=abc",
      fromWaitlist: false,
    });
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(/evil\.example|phish\.example/);
      expect(part).not.toContain("\nhttp://phish");
    }
    expect(mail.text).toContain("http://localhost:3000/invite/accept?token=abc");
  });
});

describe("waitlistConfirmationMail", () => {
  it("greets by the name typed, on one line and defanged: anyone can join with any address", () => {
    const mail = waitlistConfirmationMail({
      name: "Ada\n\nUrgent: verify at https://evil.example/login now",
      confirmUrl: "https://koi.test/waitlist/confirm?token=t",
    });
    const greeting = mail.text.split("\n")[0];
    expect(greeting).toBe("Hi Ada Urgent: verify at evil[.]example/login now,");
    expect(mail.text).not.toContain("https://evil");
    expect(mail.html).not.toContain("evil.example");
  });
});
