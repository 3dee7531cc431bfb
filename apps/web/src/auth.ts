import NextAuth from "next-auth";
import { buildAuthConfig } from "@koi/auth";

// Lazy config: env is validated on the first request, not while `next build` imports this file.
export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth(() => buildAuthConfig());
