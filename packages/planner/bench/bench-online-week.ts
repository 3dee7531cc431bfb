import { measureForecastError } from "../src/online/measure-forecast-error.ts";
import { ONLINE_DEFAULTS } from "../src/online/plan-online-capacity.ts";
import type { TFleetTrace } from "../src/sim/fleet-types.ts";
import {
  onDemandAtPeakPolicy,
  qpsThresholdPolicy,
  serverlessOnlyPolicy,
  type TQpsPlacement,
} from "../src/sim/online-policy-baselines.ts";
import { fitSpotVariants } from "../src/sim/fit-spot-variants.ts";
import { koiOnlinePolicy } from "../src/sim/online-policy-koi.ts";
import type { TOnlineWeekResult } from "../src/sim/online-week-types.ts";
import { ONLINE_WEEK_EPOCH, simulateOnlineWeek } from "../src/sim/simulate-online-week.ts";
import { onlineTrace, SLO_GOAL, tune, type TSweepRow } from "./online/tune-online-policies.ts";

/** The fleet benchmark's week is scored; every knob is chosen on another week first. */
const SCORED_SEED = 20260701;
const TUNING_SEED = 20260702;
const HELD_OUT_SEED = 20260703;
const STORM = 30;

export type TOnlineWeekBenchmark = {
  markdown: string;
  koi: TOnlineWeekResult;
  onDemandAtPeak: TOnlineWeekResult;
  qpsThreshold: TOnlineWeekResult;
  serverlessOnly: TOnlineWeekResult;
  mape: number;
};

const usd = (x: number): string => `$${Math.round(x).toLocaleString("en-US")}`;
const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
const worst = (r: TOnlineWeekResult): number => Math.min(...r.services.map((s) => s.met / s.minutes));
/** Issue 12: every service keeps ≥ 99.5% of its minutes, at a total below the other policy's. */
const beats = (koi: TOnlineWeekResult, other: TOnlineWeekResult): boolean =>
  worst(koi) >= SLO_GOAL && koi.cost.total < other.cost.total;
const PLACEMENT: Record<TQpsPlacement, string> = {
  cheapest: "each service on its cheapest spot type",
  "fit-pools": "services placed to fit the pools at peak",
};
const qpsSetting = (s: { placement: TQpsPlacement; fraction: number; downscaleDelaySeconds: number }): string =>
  `${PLACEMENT[s.placement]}, target ${pct(s.fraction, 0)} of the measured rate, downscale delay ${s.downscaleDelaySeconds} s`;
/** Where the pool-fitting placement puts each service, e.g. "assistant-70b on H100-SXM/spot TP4". */
const placementText = (trace: TFleetTrace, fraction: number): string =>
  [...(fitSpotVariants(trace, fraction) ?? new Map()).entries()]
    .map(([id, p]) => `${id} on ${p.pool.id} TP${p.tp}`)
    .join(", ");
const koiSetting = (s: { sizingQuantile: number; switchSaving: number }): string =>
  `P${Math.round(s.sizingQuantile * 100)}, switch at ≥ ${pct(s.switchSaving, 0)} saving`;

function stormOf(trace: TFleetTrace): TFleetTrace {
  return {
    ...trace,
    pools: trace.pools.map((p) =>
      p.preemptionRatePerHour ? { ...p, preemptionRatePerHour: p.preemptionRatePerHour * STORM } : p,
    ),
  };
}

function row(label: string, r: TOnlineWeekResult, reference: number, firstDay?: TOnlineWeekResult): string {
  const c = r.cost;
  const decisions = r.services.reduce((s, x) => s + x.decisions, 0);
  const switches = r.services.reduce((s, x) => s + x.switches, 0);
  const later = firstDay ? usd(c.total - firstDay.cost.total) : "–";
  return `| ${label} | ${usd(c.spot)} | ${usd(c.onDemand)} | ${usd(c.serverless)} | ${usd(c.router)} | **${usd(c.total)}** | ${later} | ${pct(c.total / reference)} | ${pct(r.attainment, 2)} | ${pct(worst(r), 2)} | ${Math.round(r.gpuHours.vm + r.gpuHours.serverless).toLocaleString("en-US")} | ${r.preemptions} | ${decisions} / ${switches} |`;
}

function sweepTable(title: string, rows: TSweepRow[], chosen: string): string[] {
  return [
    `${title} (tuning week, seed ${TUNING_SEED}):`,
    "",
    "| setting | cost | minutes met | worst service | every service ≥ 99.5% |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.setting === chosen ? `**${r.setting}** (chosen)` : r.setting} | ${usd(r.result.cost.total)} | ${pct(r.result.attainment, 2)} | ${pct(worst(r.result), 2)} | ${r.meetsGoal ? "yes" : "no"} |`,
    ),
    "",
  ];
}

/**
 * The trace's online services for a week, minute by minute: Koi's online policy against always-on
 * on-demand at peak, serverless only and SkyServe's QPS-threshold autoscaling on one GPU type.
 * Each policy's knobs are tuned on a different week (seed) and then scored on this one.
 */
export async function runOnlineWeekBenchmark(): Promise<TOnlineWeekBenchmark> {
  const scored = onlineTrace(SCORED_SEED);
  const tuning = onlineTrace(TUNING_SEED);

  // One knob, the sizing quantile; the switch saving stays the product's (ONLINE_DEFAULTS), so the
  // Koi row is what the worker runs. ONLINE_DEFAULTS.sizingQuantile is the quantile chosen here.
  const koiTuning = tune(
    tuning,
    [0.95, 0.96, 0.97, 0.98, 0.99].map((sizingQuantile) => ({
      sizingQuantile,
      switchSaving: ONLINE_DEFAULTS.switchSaving,
    })),
    koiSetting,
    (plan) => koiOnlinePolicy({ plan }),
  );
  const qpsSettings = (placements: readonly TQpsPlacement[]) =>
    placements.flatMap((placement) =>
      [0.7, 0.75, 0.8, 0.85, 0.9].flatMap((fraction) =>
        [60, 300, 1200].map((downscaleDelaySeconds) => ({ placement, fraction, downscaleDelaySeconds })),
      ),
    );
  const qpsTuning = tune(tuning, qpsSettings(["cheapest", "fit-pools"]), qpsSetting, (s) => qpsThresholdPolicy(s));
  const serverlessTuning = tune(
    tuning,
    [0.6, 0.7, 0.8, 0.9, 1].flatMap((fraction) =>
      [60, 300].map((scaledownWindowSeconds) => ({ fraction, scaledownWindowSeconds })),
    ),
    (s) => `concurrency ${pct(s.fraction, 0)} of the in-SLO batch, scale-down window ${s.scaledownWindowSeconds} s`,
    (s) => serverlessOnlyPolicy(s),
  );

  const koiFactory = koiOnlinePolicy({ plan: koiTuning.chosen });
  const qpsFactory = qpsThresholdPolicy(qpsTuning.chosen);
  const koi = simulateOnlineWeek(scored, koiFactory);
  const koiDay = simulateOnlineWeek(scored, koiFactory, { minutes: 1440 });
  const onDemandAtPeak = simulateOnlineWeek(scored, onDemandAtPeakPolicy());
  const serverlessOnly = simulateOnlineWeek(scored, serverlessOnlyPolicy(serverlessTuning.chosen));
  const qpsThreshold = simulateOnlineWeek(scored, qpsFactory);
  const qpsDay = simulateOnlineWeek(scored, qpsFactory, { minutes: 1440 });
  const koiStorm = simulateOnlineWeek(stormOf(scored), koiFactory);
  const qpsStorm = simulateOnlineWeek(stormOf(scored), qpsFactory);
  // Each service alone with every pool to itself: what Koi's sizing costs at this SLO when no other
  // service competes for a pool (the cost of planning each service on its own shows against it).
  const alone = scored.services.map((s) => simulateOnlineWeek({ ...scored, services: [s] }, koiFactory));
  const aloneCost = alone.reduce((x, r) => x + r.cost.total, 0);
  const aloneWorst = Math.min(...alone.map(worst));
  const heldOut = onlineTrace(HELD_OUT_SEED);
  const koiHeldOut = simulateOnlineWeek(heldOut, koiFactory);
  const qpsHeldOut = simulateOnlineWeek(heldOut, qpsFactory);
  const odHeldOut = simulateOnlineWeek(heldOut, onDemandAtPeakPolicy());
  // The same SLO at the least cost the threshold can reach: tuned on the very week it is scored on
  // (hindsight no operator has), over the placement that fits the pools (the other never meets it).
  const hindsight = (trace: TFleetTrace): TSweepRow | undefined => {
    const { rows, chosen } = tune(trace, qpsSettings(["fit-pools"]), qpsSetting, (s) => qpsThresholdPolicy(s));
    return rows.find((r) => r.meetsGoal && r.setting === qpsSetting(chosen));
  };
  const qpsHindsight = hindsight(scored);
  const qpsHindsightHeldOut = hindsight(heldOut);
  const hindsightText = (r: TSweepRow | undefined): string =>
    r ? `${usd(r.result.cost.total)} (${r.setting}, worst service ${pct(worst(r.result), 2)})` : "no setting meets it";
  const beatsHindsight = (k: TOnlineWeekResult, r: TSweepRow | undefined): boolean =>
    worst(k) >= SLO_GOAL && (!r || k.cost.total < r.result.cost.total);

  const errors = scored.services.map((s) => ({
    id: s.id,
    all: measureForecastError(s.loadRps, { epoch: ONLINE_WEEK_EPOCH, expectedRps: s.peakRps }),
    later: measureForecastError(s.loadRps, { epoch: ONLINE_WEEK_EPOCH, expectedRps: s.peakRps, fromHour: 24 }),
  }));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mape = mean(errors.map((e) => e.all.mape));
  const mapeLater = mean(errors.map((e) => e.later.mape));

  const ref = onDemandAtPeak.cost.total;
  const laterGap = (koi.cost.total - koiDay.cost.total) / (qpsThreshold.cost.total - qpsDay.cost.total) - 1;
  const switches = koi.services.reduce((x, s) => x + s.switches, 0);
  const goal = (ok: boolean): string => (ok ? "✅ met" : "❌ missed");
  const markdown = [
    "## Online week: Koi's online policy vs baselines",
    "",
    `The fleet trace's three online services (seed ${SCORED_SEED}, described above) served minute by minute for 7 days by \`simulateOnlineWeek\`, with Tuna as it behaves: while any replica of the active spot deployment is READY the router sends every request to spot (SkyServe splits them evenly), otherwise to serverless (Modal workers, cold start 30–60 s, billed per GPU-second until a 60 s idle window ends); SkyServe's QPS autoscaler applies each policy's \`min_replicas\`/\`max_replicas\`/\`target_qps\` and delays. p95 TTFT and TPOT come from the same performance model the planner plans with, through \`profileReplica\`, at each GPU's hidden true speed (log-normal σ 0.12 per model and GPU) × a 10-minute noise draw (σ 0.08); Poisson batches and the wait for a batch slot are in the latency (\`latencyAtRate\`). Spot replicas boot for 10 min and are reclaimed at the pools' Spot Advisor hazard rates; a reclaimed replica's requests fail over to serverless late and the router spends a 5 s poke on serverless. A minute is met when at most 5% of its requests see a p95-breaking latency (a backend over its p95 targets counts all its requests; a cold start or a retry counts the requests it delays).`,
    "",
    "**How each policy was tuned** (each knob chosen on a different week, seed " +
      TUNING_SEED +
      ", as the cheapest setting keeping every service ≥ 99.5% of its minutes, then scored here): *Koi* learns each GPU's speed from the TPOT it reports (Dynamo's correction factor) and sizes replicas for a quantile of the per-minute rate (forecast band, bursts within the hour and the replicas' speed noise combined); its knobs are that quantile and how much cheaper over the horizon another variant must be before Koi switches to it. *QPS threshold* is what Tuna does on its own: one GPU type and TP per service, either the spot variant cheapest per request at its **true** speed (an operator's load test) or, with every service placed at once, the combination cheapest per request whose replicas at the week's busiest minute fit the pools together (`fitSpotVariants`, `max_replicas` its peak replicas), `min_replicas` 1, `target_qps` a fraction of the measured in-SLO rate (fractional, which SkyServe accepts and Tuna's integer cast would not), Tuna's 5 s upscale delay and a tuned downscale delay, Tuna's serverless fallback. *Serverless only*: every request to the service's serverless GPU at the TP cheapest per request, workers capped at a tuned fraction of the in-SLO concurrency, tuned scale-down window. *Always-on on-demand at peak*: the on-demand variant cheapest per request at true speed, with enough replicas for the week's busiest minute, warm all week.",
    "",
    ...sweepTable("Koi, sizing quantile × switch saving", koiTuning.rows, koiSetting(koiTuning.chosen)),
    ...sweepTable("QPS threshold", qpsTuning.rows, qpsSetting(qpsTuning.chosen)),
    ...sweepTable(
      "Serverless only",
      serverlessTuning.rows,
      `concurrency ${pct(serverlessTuning.chosen.fraction, 0)} of the in-SLO batch, scale-down window ${serverlessTuning.chosen.scaledownWindowSeconds} s`,
    ),
    "### Results (scored week)",
    "",
    "| policy | spot | on-demand | serverless | router | total | days 2–7 | of OD at peak | minutes met | worst service | GPU-hours | spot reclaims | decisions / variant switches |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    row(`Koi (${koiSetting(koiTuning.chosen)})`, koi, ref, koiDay),
    row("always-on on-demand at peak", onDemandAtPeak, ref),
    row("serverless only (tuned)", serverlessOnly, ref),
    row("QPS threshold, one GPU type (tuned)", qpsThreshold, ref, qpsDay),
    row(`Koi, spot reclaimed ${STORM}× as often`, koiStorm, ref),
    row(`QPS threshold, spot reclaimed ${STORM}× as often`, qpsStorm, ref),
    "",
    `Koi with each service alone, every pool to itself (the same week and settings, three runs): ${usd(aloneCost)} in all, worst service ${pct(aloneWorst, 2)} (${alone.map((r) => `${r.services[0]!.id} ${usd(r.cost.total)} at ${pct(worst(r), 2)}`).join(", ")}). This is what Koi's sizing costs at the SLO with no competition for a pool: ${aloneCost < qpsThreshold.cost.total ? "below" : "above"} the QPS threshold's ${usd(qpsThreshold.cost.total)}, so sharing the pools better ${aloneCost < qpsThreshold.cost.total ? "could close the gap" : "could not close the gap on its own"}.`,
    "",
    `Held-out week (seed ${HELD_OUT_SEED}, same settings): Koi ${usd(koiHeldOut.cost.total)} at ${pct(koiHeldOut.attainment, 2)} of minutes (worst service ${pct(worst(koiHeldOut), 2)}); QPS threshold ${usd(qpsHeldOut.cost.total)} at ${pct(qpsHeldOut.attainment, 2)} (worst ${pct(worst(qpsHeldOut), 2)}); on-demand at peak ${usd(odHeldOut.cost.total)}.`,
    "",
    "Per service, scored week (minutes met · cost · decisions / switches):",
    "",
    "| service | Koi | QPS threshold | serverless only | on-demand at peak |",
    "|---|---|---|---|---|",
    ...koi.services.map((s, i) => {
      const cell = (r: TOnlineWeekResult): string => {
        const x = r.services[i]!;
        return `${pct(x.met / x.minutes, 2)} · ${usd(x.cost)}${x.decisions ? ` · ${x.decisions} / ${x.switches}` : ""}`;
      };
      return `| ${s.id} | ${cell(koi)} | ${cell(qpsThreshold)} | ${cell(serverlessOnly)} | ${cell(onDemandAtPeak)} |`;
    }),
    "",
    "### Load forecast: hourly rate one hour ahead",
    "",
    "At every hour boundary of the scored week, `forecastLoad` sees only the minutes reported so far (cold start from the submitted peak rate) and forecasts the coming hour's mean rate.",
    "",
    "| service | MAPE, whole week | P10–P90 holds the actual | MAPE after the first day |",
    "|---|---|---|---|",
    ...errors.map((e) => `| ${e.id} | ${pct(e.all.mape, 2)} | ${pct(e.all.coverage)} | ${pct(e.later.mape, 2)} |`),
    "",
    "### Goals",
    "",
    "| goal | figure | |",
    "|---|---|---|",
    `| ≥ 99.5% of minutes within SLO, every service | ${pct(koi.attainment, 2)} (worst service ${pct(worst(koi), 2)}) | ${goal(worst(koi) >= SLO_GOAL)} |`,
    `| ≤ 60% of the cost of always-on on-demand at peak | ${pct(koi.cost.total / ref)} | ${goal(koi.cost.total <= 0.6 * ref)} |`,
    `| below QPS-threshold autoscaling, every service ≥ 99.5% (issue 12) | Koi ${usd(koi.cost.total)} vs ${usd(qpsThreshold.cost.total)} (${koi.cost.total < qpsThreshold.cost.total ? "" : "+"}${pct(koi.cost.total / qpsThreshold.cost.total - 1)}); held out ${usd(koiHeldOut.cost.total)} vs ${usd(qpsHeldOut.cost.total)} | ${goal(beats(koi, qpsThreshold))} |`,
    `| below QPS-threshold autoscaling at the same SLO (the threshold tuned in hindsight on the week scored) | Koi ${usd(koi.cost.total)} vs ${hindsightText(qpsHindsight)}; held out ${usd(koiHeldOut.cost.total)} vs ${hindsightText(qpsHindsightHeldOut)} | scored week ${goal(beatsHindsight(koi, qpsHindsight))}, held out ${goal(beatsHindsight(koiHeldOut, qpsHindsightHeldOut))} |`,
    `| forecast MAPE ≤ 15% (hourly rate, one hour ahead) | ${pct(mape, 2)} over the week; ${pct(mapeLater, 2)} after the first day | ${goal(mape <= 0.15)} |`,
    "",
    `Issue 12's goal, every service ≥ 99.5% of its minutes at a cost below the tuned QPS threshold, is **${beats(koi, qpsThreshold) ? "met" : "MISSED"}** on the scored week (Koi ${usd(koi.cost.total)}, worst service ${pct(worst(koi), 2)}; QPS threshold ${usd(qpsThreshold.cost.total)}, worst service ${pct(worst(qpsThreshold), 2)}) and **${beats(koiHeldOut, qpsHeldOut) ? "met" : "MISSED"}** on the held-out week: the tuned threshold is cheaper only while it misses the SLO. Held to the same SLO (tuned in hindsight on the week it is scored on, which no operator can do), the threshold costs ${hindsightText(qpsHindsight)} on the scored week and ${hindsightText(qpsHindsightHeldOut)} on the held-out one, so Koi is ${qpsHindsight ? pct(Math.abs(koi.cost.total / qpsHindsight.result.cost.total - 1)) + (koi.cost.total < qpsHindsight.result.cost.total ? " cheaper" : " dearer") : "alone in meeting it"} on the first and ${qpsHindsightHeldOut ? pct(Math.abs(koiHeldOut.cost.total / qpsHindsightHeldOut.result.cost.total - 1)) + (koiHeldOut.cost.total < qpsHindsightHeldOut.result.cost.total ? " cheaper" : " dearer") : "alone in meeting it"} on the second.`,
    "",
    `Where Koi's cost goes against the QPS threshold: its first day (no history: the submitted peak, then a local trend with a wide band, kept under the submitted peak until a whole day is seen) cost ${usd(koiDay.cost.total)} against ${usd(qpsDay.cost.total)}; over days 2–7 it costs ${pct(Math.abs(laterGap))} ${laterGap > 0 ? "more" : "less"}. The threshold baseline is handed each GPU's true in-SLO rate (a load test) and the week's busiest minute. Its cheapest spot type is the 48-GPU A100 pool for all three services, which cannot hold them at the daily peak: placed there, ${qpsTuning.rows.some((r) => r.meetsGoal && r.setting.startsWith(PLACEMENT.cheapest)) ? "only some of its settings keep" : "none of its settings keeps"} every service ≥ 99.5% on the tuning week, since its replicas run past their in-SLO rate when the pool is full. Placed to fit the pools at peak (each week fitted to its own busiest minute, in hindsight; on the tuning week ${placementText(tuning, qpsTuning.chosen.fraction)}, on the scored week ${placementText(scored, qpsTuning.chosen.fraction)}), ${qpsTuning.rows.filter((r) => r.meetsGoal).length} of its settings meet the goal on the tuning week and the cheapest of them is the one scored; its target_qps is fractional, which Tuna's integer cast would not allow Koi (a 70B replica serves 2–4 req/s). Koi learns speeds online and plans each service on its own; ${switches > 0 ? `it switches variants with the load (${switches} switches in the week; assistant-70b runs on A100 TP8 at night and moves to H100 TP4 when the daily peak fills the A100 pool)` : "with the switch saving chosen it made no variant switch: each service stays on the variant its first plan chose from the submitted peak rate, however cheaper another becomes once the real load is known"}. Misses that remain come in 10-minute blocks, one slow speed draw of a GPU (σ 0.08) under replicas sized for the forecast: only headroom covers them, since a replica ordered then boots for as long as the draw lasts.`,
  ].join("\n");
  return { markdown, koi, onDemandAtPeak, qpsThreshold, serverlessOnly, mape };
}
