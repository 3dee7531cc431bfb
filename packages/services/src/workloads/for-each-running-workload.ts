import { prisma } from "@koi/db";

/**
 * The sweeps' loop: `each` on every RUNNING workload of `kind`, least recently updated first, one
 * after the other (each opens its own transaction), at most 500 a pass.
 */
export async function forEachRunningWorkload<T>(
  kind: "batch" | "online",
  each: (workloadId: string) => Promise<T>,
): Promise<T[]> {
  const running = await prisma.workload.findMany({
    where: { status: "RUNNING", kind },
    select: { id: true },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  const outcomes: T[] = [];
  for (const w of running) outcomes.push(await each(w.id));
  return outcomes;
}
