/**
 * Simulated time runs `speed` times faster than real time (`--speed 60`: one simulated minute per
 * real second) and starts at the real epoch, so engine timestamps look like real ones.
 */
export type TSimClock = {
  speed: number;
  /** Simulated epoch seconds. */
  now: () => number;
  /** Real milliseconds that `simSeconds` of simulated time take. */
  realMs: (simSeconds: number) => number;
};

export function createSimClock(speed: number, realNowMs: () => number = Date.now): TSimClock {
  if (!(speed > 0)) throw new Error("speed must be > 0");
  const startReal = realNowMs();
  const startSim = startReal / 1000;
  return {
    speed,
    now: () => startSim + ((realNowMs() - startReal) / 1000) * speed,
    realMs: (simSeconds) => (simSeconds * 1000) / speed,
  };
}
