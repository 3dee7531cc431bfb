import { randomUUID } from "node:crypto";
import { AppError } from "@koi/core/app-error";
import { errorResponse } from "@/lib/api-v1/api-error-response";

// /api/v1 itself, and any path under it that no route serves: the JSON error shape an agent or SDK can read
// (a typo, or an older or newer protocol's path), not Next.js's HTML page.
const noSuchRoute = () =>
  errorResponse(
    new AppError("NOT_FOUND", "No such API route. The routes are listed at /api/v1/openapi.json."),
    randomUUID(),
  );

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
