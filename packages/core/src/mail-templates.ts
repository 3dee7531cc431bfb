/** Plain, short emails. Each returns subject + text + html; links are absolute. */
export type TMail = { subject: string; text: string; html: string };

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * A name someone else typed (an org, an inviter), as it may appear in an email from Koi: one line,
 * at most 60 characters, quoted, and "defanged" so that no part of it reads or auto-links as an
 * address ("evil.example" → "evil[.]example"): an invitation must not carry a stranger's link.
 */
export function plainName(name: string): string {
  return `“${defangedLine(name)}”`;
}

/**
 * The same line, unquoted: for a greeting, where anyone may type the name for any address. Look-alike
 * spellings of a host are folded first (fullwidth letters, colons and full stops by NFKC, the
 * ideographic full stop, and characters that render as nothing, such as a zero-width space, a soft
 * hyphen or a variation selector), and then every dot with a character on both sides is defanged:
 * a URL parser reads "evil。com" and "evil\u034f.com" as evil.com.
 */
export function defangedLine(name: string): string {
  const folded = name
    .normalize("NFKC")
    .replace(/\p{Default_Ignorable_Code_Point}/gu, "")
    .replace(/\u3002/g, ".")
    .normalize("NFKC");
  const line = [...folded]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? " " : c))
    .join("")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\b[a-z][a-z0-9+.-]*:\/\//gi, "")
    .replace(/(\S)\.(?=\S)/gu, "$1[.]");
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function layout(lines: string[], link: { label: string; url: string }): TMail["html"] {
  return `<div style="font-family:system-ui,sans-serif;max-width:520px">${lines.map((l) => `<p>${escape(l)}</p>`).join("")}<p><a href="${escape(link.url)}">${escape(link.label)}</a></p><p style="color:#666">— Koi</p></div>`;
}

export function waitlistConfirmationMail(p: { name: string; confirmUrl: string }): TMail {
  // Anyone can join the waitlist with any address: the name they typed must not carry a link.
  const lines = [
    `Hi ${defangedLine(p.name)},`,
    "Thanks for joining the Koi waitlist. Please confirm your email address:",
  ];
  return {
    subject: "Confirm your place on the Koi waitlist",
    text: `${lines.join("\n\n")}\n\n${p.confirmUrl}\n\nIf you did not sign up, ignore this email.`,
    html: layout(lines, { label: "Confirm my email", url: p.confirmUrl }),
  };
}

export function invitationMail(p: {
  /** null: the invitee gets an organization of their own. */
  orgName: string | null;
  inviterName: string | null;
  role: string;
  acceptUrl: string;
  fromWaitlist: boolean;
}): TMail {
  const orgName = p.orgName === null ? "your own organization" : plainName(p.orgName);
  const inviter = p.inviterName ? plainName(p.inviterName) : "A teammate";
  const lines = p.fromWaitlist
    ? [
        "You're in! Your Koi access is ready.",
        `Create your account to start; you will join ${orgName} as ${p.role.toLowerCase()}.`,
      ]
    : [`${inviter} invited you to ${orgName} on Koi as ${p.role.toLowerCase()}.`];
  return {
    subject: p.fromWaitlist ? "Your Koi access is ready" : `You're invited to ${orgName} on Koi`,
    text: `${lines.join("\n\n")}\n\n${p.acceptUrl}\n\nThe link expires in 7 days.`,
    html: layout(lines, { label: "Accept invitation", url: p.acceptUrl }),
  };
}

export function passwordResetMail(p: { resetUrl: string }): TMail {
  const lines = [
    "Someone asked to reset the password of your Koi account.",
    "If it was you, choose a new password here (the link expires in 1 hour):",
  ];
  return {
    subject: "Reset your Koi password",
    text: `${lines.join("\n\n")}\n\n${p.resetUrl}\n\nIf it wasn't you, ignore this email; your password stays the same.`,
    html: layout(lines, { label: "Choose a new password", url: p.resetUrl }),
  };
}
