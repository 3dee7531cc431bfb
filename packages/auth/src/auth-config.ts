import { PrismaAdapter } from "@auth/prisma-adapter";
import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { env } from "@koi/core/env";
import { prisma } from "@koi/db";
import { authorizeWithPassword } from "./authorize-with-password.ts";
import { resolveActiveOrgId } from "./resolve-active-org.ts";
import { currentSessionVersion, endSessions, sessionStillValid } from "./session-version.ts";
import "./session-types.ts";

/**
 * Auth.js config: email + password always; GitHub/Google only when their env vars are set.
 * Sessions are JWTs (Credentials requires it); the token carries the active org, which every
 * org-scoped procedure re-checks against Membership, and the user's session version, checked on
 * every request so that sign-out, a password reset or removal from an org ends the session
 * (session-version.ts). Signing out ends the user's sessions on every device.
 */
export function buildAuthConfig(): NextAuthConfig {
  const e = env();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: (credentials, request) => authorizeWithPassword(credentials, request),
    }),
  ];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET)
    providers.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET)
    providers.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));

  return {
    adapter: PrismaAdapter(prisma),
    secret: e.AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
    useSecureCookies: e.APP_URL.startsWith("https://"),
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        // OAuth sign-up follows the same rule as passwords: invite-only unless open sign-up.
        if (account?.type !== "oauth" || e.KOI_OPEN_SIGNUP) return true;
        const existing = user.email
          ? await prisma.user.findUnique({ where: { email: user.email.toLowerCase() } })
          : null;
        return existing ? true : "/sign-in?error=InviteOnly";
      },
      async jwt({ token, user, trigger, session }) {
        if (user?.id) {
          token.sub = user.id;
          token.sv = await currentSessionVersion(user.id);
          token.activeOrgId = await resolveActiveOrgId(user.id, null);
        } else if (token.sub && !sessionStillValid(token.sv, await currentSessionVersion(token.sub))) {
          return null;
        }
        if (trigger === "update" && token.sub) {
          const wanted = (session as { activeOrgId?: string } | undefined)?.activeOrgId ?? null;
          token.activeOrgId = await resolveActiveOrgId(token.sub, wanted);
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.activeOrgId = (token.activeOrgId as string | null | undefined) ?? null;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const userId = "token" in message ? message.token?.sub : undefined;
        if (userId) await endSessions(userId);
      },
      async createUser({ user }) {
        // OAuth users who were not invited into an org get their own, as OWNER.
        if (user.id)
          await resolveActiveOrgId(user.id, null, { createIfNone: true, name: user.name ?? user.email ?? "My" });
      },
    },
  };
}
