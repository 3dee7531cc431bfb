import { formatUsd } from "./format";

/**
 * What Koi saved, said as a sentence a person can check: what was spent, then what the same GPU
 * time would have cost on the two always-on baselines (the figures "saved" is the difference of).
 */
export function describeSavings(
  s: { actualUsd: number; onDemandBaselineUsd: number; serverlessBaselineUsd: number },
  period: string,
): string {
  return (
    `You spent ${formatUsd(s.actualUsd)} ${period}. The same GPU time would have cost ` +
    `${formatUsd(s.onDemandBaselineUsd)} on on-demand GPUs left running, or ` +
    `${formatUsd(s.serverlessBaselineUsd)} on always-on serverless.`
  );
}
