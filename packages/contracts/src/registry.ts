import { z } from "zod";

export type TContractMeta = { id: string; description?: string };

/**
 * Every schema that appears by name in the OpenAPI document is added here. A dedicated registry
 * (not zod's global one) keeps other packages' `.meta()` calls out of our components.
 */
export const contractRegistry = z.registry<TContractMeta>();

/** id → description; zod's registry conversion emits ids but not our descriptions. */
export const contractDescriptions = new Map<string, string>();

export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  contractRegistry.add(schema, description === undefined ? { id } : { id, description });
  if (description !== undefined) contractDescriptions.set(id, description);
  return schema;
}
