import type { TTunaRouterHealth, TTunaSpotState } from "@koi/contracts";
import type { TOnlineObserver } from "./tuna-online-sample.ts";
import { advanceBaseline, type TRouterBaseline, type TServerlessAccrual } from "./tuna-usage.ts";
import type { TSpotAccounts, TVariantSwitch } from "./tuna-variants.ts";

/** What the Tuna adapter keeps per assignment between polls. */
export type TTunaAdapterState = {
  router: TRouterBaseline;
  /** Absent in state saved by an older agent: serverless usage accrues from the next poll. */
  serverless?: TServerlessAccrual;
  spotState: TTunaSpotState;
  stopped?: boolean;
  /** Absent in state saved by an older agent: observation starts at the next poll. */
  online?: TOnlineObserver;
  /** GPU type of the spot service the router sends spot traffic to (absent: the deployment's own). */
  variant?: string;
  /** The deployment's own spot service, as the router named it at attach. */
  ownSpotUrl?: string;
  switching?: TVariantSwitch;
  /** Absent in state saved by an older agent: the first poll counts everything since attach. */
  spot?: TSpotAccounts;
};

/** Engine seconds since attach (the router's uptime, carried over its restarts). */
export const routerClock = (s: Partial<TTunaAdapterState>, h: TTunaRouterHealth): number =>
  s.router ? advanceBaseline(s.router, h.route_stats).since.uptime_seconds : h.route_stats.uptime_seconds;
