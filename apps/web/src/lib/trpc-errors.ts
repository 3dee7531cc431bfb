import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@koi/api";

// The server's errorFormatter already made messages safe to show; these only dig them out.

export function errorMessage(err: unknown, fallback = "Something went wrong. Try again."): string {
  if (err instanceof TRPCClientError) return err.message || fallback;
  return fallback;
}

export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof TRPCClientError)) return {};
  const data = (err as TRPCClientError<AppRouter>).data as { fieldErrors?: Record<string, string> } | undefined;
  return data?.fieldErrors ?? {};
}
