import { resolveModel, UnknownNameError, type TModelArchitecture } from "@koi/catalog";
import { PlannerInputError } from "@koi/planner";
import { badRequest } from "./api-error-response.ts";

/** An unknown model is the caller's mistake, said now (with the closest names) rather than as a FAILED workload later. */
export function checkSubmissionModel(s: { model: string; architecture?: TModelArchitecture }): void {
  try {
    resolveModel(s);
  } catch (error) {
    if (error instanceof UnknownNameError || error instanceof PlannerInputError)
      throw badRequest(`Invalid request body: model: ${error.message}`, { model: error.message });
    throw error;
  }
}
