import { PlannerInputError, resolvePoolShape, type TCapacityPool } from "@koi/planner";

/**
 * Why the planner cannot use a pool's machines (an unknown instance type reported without its GPU
 * count, or an instance type of another GPU), or null when it can. Such a pool is left out of
 * planning, and the fleet pages say why.
 */
export function poolShapeProblem(pool: TCapacityPool): string | null {
  try {
    resolvePoolShape(pool);
    return null;
  } catch (error) {
    if (error instanceof PlannerInputError) return error.issues.join("; ");
    throw error;
  }
}
