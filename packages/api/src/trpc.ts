import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { roleAtLeast } from "@koi/auth/roles";
import { findUnsafeJson } from "@koi/contracts/safe-json";
import { AppError, appErrorCodes, toAppError } from "@koi/core/app-error";
import type { TRole } from "@koi/services/members/role.schema";
import { findMembership } from "@koi/services/auth/find-membership";
import { isStaff } from "@koi/services/auth/is-staff";
import type { TContext } from "./context.ts";
import { recordTrpcCall } from "./record-trpc-call.ts";

/** AppErrors (and anything else thrown) become tRPC errors carrying a safe message and our code. */
function toTrpcError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  const app = toAppError(err);
  return new TRPCError({ code: appErrorCodes[app.code].trpc, message: app.message, cause: app });
}

const t = initTRPC.context<TContext>().create({
  transformer: superjson,
  // Subscriptions (server-sent events): a ping keeps proxies from closing an idle stream, and a
  // stream lasts at most five minutes, after which the client reconnects through the session and
  // membership checks again.
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
    maxDurationMs: 5 * 60_000,
  },
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const app = cause instanceof AppError ? cause : null;
    const zod = cause instanceof ZodError ? cause : null;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? "Something went wrong on our side." : zod ? "Some fields are invalid." : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        requestId: ctx?.requestId,
        appCode: app?.code ?? (zod ? "BAD_REQUEST" : undefined),
        retryAfterSeconds: app?.retryAfterSeconds,
        fieldErrors: zod ? Object.fromEntries(zod.issues.map((i) => [i.path.join("."), i.message])) : app?.fields,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const errorMapping = t.middleware(async ({ next, ctx, path }) => {
  const started = performance.now();
  const result = await next();
  const ms = performance.now() - started;
  if (!result.ok) {
    // tRPC's own errors keep their code (bad input is BAD_REQUEST with the ZodError as cause);
    // whatever a procedure threw arrives as INTERNAL_SERVER_ERROR and is mapped by its cause.
    const { error } = result;
    const mapped =
      error.cause instanceof AppError || error.code === "INTERNAL_SERVER_ERROR"
        ? toTrpcError(error.cause ?? error)
        : error;
    if (mapped.code === "INTERNAL_SERVER_ERROR") ctx.log.error({ err: error.cause ?? error, path }, "procedure failed");
    if (mapped !== error) throw mapped;
  } else if (ms > 1000) {
    ctx.log.warn({ path, ms: Math.round(ms) }, "slow procedure");
  }
  return result;
});

// Outermost, so it counts the code the caller receives (after errorMapping) and the whole time spent.
const procedureMetrics = t.middleware(async ({ next, path, type }) => {
  const started = performance.now();
  const result = await next();
  recordTrpcCall(path, type, result.ok ? "OK" : result.error.code, (performance.now() - started) / 1000);
  return result;
});

/** The floor under every input schema: no NUL characters, out-of-range numbers or deep nesting. */
const safeInput = t.middleware(async ({ getRawInput, next }) => {
  const unsafe = findUnsafeJson(await getRawInput());
  if (unsafe)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${unsafe.path}: ${unsafe.message}`,
      cause: new AppError("BAD_REQUEST", `${unsafe.path}: ${unsafe.message}`, {
        fields: { [unsafe.path]: unsafe.message },
      }),
    });
  return next();
});

export const publicProcedure = t.procedure.use(procedureMetrics).use(errorMapping).use(safeInput);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  const userId = ctx.session?.user?.id;
  if (!userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, userId, log: ctx.log.child({ userId }) } });
});

export const staffProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  // Not FORBIDDEN: the admin area does not exist for non-staff.
  if (!(await isStaff(ctx.userId))) throw new TRPCError({ code: "NOT_FOUND", message: "Not found" });
  return next();
});

/**
 * The org comes from the session (never from input) and is re-checked against Membership on
 * every call, so a removed member loses access at once.
 */
export function orgProcedure(minRole: TRole = "VIEWER") {
  return protectedProcedure.use(async ({ ctx, next }) => {
    const orgId = ctx.session?.activeOrgId;
    if (!orgId) throw new TRPCError({ code: "NOT_FOUND", message: "No organization selected." });
    const membership = await findMembership(orgId, ctx.userId);
    if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Not found" });
    if (!roleAtLeast(membership.role, minRole)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${minRole.toLowerCase()} role or higher.` });
    }
    return next({ ctx: { ...ctx, orgId, role: membership.role, log: ctx.log.child({ orgId }) } });
  });
}
