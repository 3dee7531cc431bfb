import { resolveModel, UnknownNameError, type TModelArchitecture } from "@koi/catalog";
import { AppError } from "@koi/core/app-error";

/** An unknown model is the caller's mistake, said now (with the closest names) rather than as a FAILED workload later. */
export function checkSubmissionModel(s: { model: string; architecture?: TModelArchitecture }): void {
  try {
    resolveModel(s);
  } catch (error) {
    if (error instanceof UnknownNameError)
      throw new AppError("BAD_REQUEST", `Invalid request body: model: ${error.message}`, {
        fields: { model: error.message },
      });
    throw error;
  }
}
