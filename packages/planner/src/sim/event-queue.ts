/**
 * Min-heap of timed events. Ties break on insertion order so a replay of the same trace and seed
 * processes simultaneous events identically.
 */
export type TEventQueue<T> = {
  push: (time: number, event: T) => void;
  pop: () => { time: number; event: T } | undefined;
  peekTime: () => number | undefined;
  size: () => number;
};

export function createEventQueue<T>(): TEventQueue<T> {
  const heap: { time: number; seq: number; event: T }[] = [];
  let seq = 0;
  const less = (a: number, b: number): boolean => {
    const x = heap[a]!;
    const y = heap[b]!;
    return x.time < y.time || (x.time === y.time && x.seq < y.seq);
  };
  const swap = (a: number, b: number): void => {
    const t = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = t;
  };
  return {
    push(time, event) {
      heap.push({ time, seq: seq++, event });
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    pop() {
      if (heap.length === 0) return undefined;
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(l, m)) m = l;
          if (r < heap.length && less(r, m)) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return { time: top.time, event: top.event };
    },
    peekTime: () => heap[0]?.time,
    size: () => heap.length,
  };
}
