/**
 * Discrete-event queue on simulated time: timers fire in (time, insertion) order, so the outcome of
 * a run does not depend on how often the real-time tick happens to advance the simulation.
 */
export type TTimer = { at: number; seq: number; run: () => void; cancelled: boolean };

export class TimerQueue {
  private heap: TTimer[] = [];
  private seq = 0;

  schedule(at: number, run: () => void): TTimer {
    const timer = { at, seq: this.seq++, run, cancelled: false };
    this.heap.push(timer);
    this.up(this.heap.length - 1);
    return timer;
  }

  /** Runs every timer due at or before `until`, in order; `setNow` sees each timer's time first. */
  runUntil(until: number, setNow: (t: number) => void): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > until) return;
      this.pop();
      if (top.cancelled) continue;
      setNow(top.at);
      top.run();
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: TTimer, b: TTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
