import { z } from "zod";
import { notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";
import { orgProcedure } from "../../trpc.ts";
import { ZAgentDetailInput, ZAgentView, ZEngineEventView, ZPoolView } from "@koi/services/fleet/fleet.schema";

export const getAgent = orgProcedure("VIEWER")
  .input(ZAgentDetailInput)
  .output(
    z.object({
      agent: ZAgentView.extend({
        cluster: z.object({ id: z.string(), name: z.string(), kind: z.string(), region: z.string().nullable() }),
      }),
      pools: z.array(ZPoolView),
      events: z.array(ZEngineEventView),
    }),
  )
  .query(async ({ ctx, input }) => {
    const agent = await prisma.agent.findFirst({
      where: { id: input.agentId, orgId: ctx.orgId },
      select: {
        id: true,
        engine: true,
        version: true,
        status: true,
        lastHeartbeatAt: true,
        heartbeatIntervalSeconds: true,
        capabilities: true,
        registeredAt: true,
        cluster: { select: { id: true, name: true, kind: true, region: true } },
        pools: {
          select: {
            id: true,
            gpuType: true,
            market: true,
            total: true,
            available: true,
            quota: true,
            pricePerGpuHour: true,
            updatedAt: true,
          },
        },
      },
    });
    if (!agent) throw notFound("No such agent.");
    const events = await prisma.engineEvent.findMany({
      where: { orgId: ctx.orgId, agentId: agent.id },
      orderBy: { at: "desc" },
      take: 50,
      select: { id: true, type: true, reasonCode: true, detail: true, engineRef: true, at: true },
    });
    const { pools, ...rest } = agent;
    return { agent: rest, pools, events };
  });
