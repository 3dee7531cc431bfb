/** Plain, short emails. Each returns subject + text + html; links are absolute. */
export type TMail = { subject: string; text: string; html: string };

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function layout(lines: string[], link: { label: string; url: string }): TMail["html"] {
  return `<div style="font-family:system-ui,sans-serif;max-width:520px">${lines.map((l) => `<p>${escape(l)}</p>`).join("")}<p><a href="${escape(link.url)}">${escape(link.label)}</a></p><p style="color:#666">— Koi</p></div>`;
}

export function waitlistConfirmationMail(p: { name: string; confirmUrl: string }): TMail {
  const lines = [`Hi ${p.name},`, "Thanks for joining the Koi waitlist. Please confirm your email address:"];
  return {
    subject: "Confirm your place on the Koi waitlist",
    text: `${lines.join("\n\n")}\n\n${p.confirmUrl}\n\nIf you did not sign up, ignore this email.`,
    html: layout(lines, { label: "Confirm my email", url: p.confirmUrl }),
  };
}

export function invitationMail(p: {
  orgName: string;
  inviterName: string | null;
  role: string;
  acceptUrl: string;
  fromWaitlist: boolean;
}): TMail {
  const lines = p.fromWaitlist
    ? [
        "You're in! Your Koi access is ready.",
        `Create your account to start; you will join ${p.orgName} as ${p.role.toLowerCase()}.`,
      ]
    : [`${p.inviterName ?? "A teammate"} invited you to ${p.orgName} on Koi as ${p.role.toLowerCase()}.`];
  return {
    subject: p.fromWaitlist ? "Your Koi access is ready" : `You're invited to ${p.orgName} on Koi`,
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
