/**
 * Tensor-parallel degrees a replica may use: the sizes Orca accepts (`tp_size` ∈ 1, 2, 4, 8) and
 * what fits in one 8-GPU node, so the planner, the agent and the engine simulator agree.
 */
export const TP_DEGREES: readonly number[] = [1, 2, 4, 8];
