"use client";

import { useEffect, useRef, useState } from "react";

/** True once the element has come within `margin` of the viewport (and stays true). */
export function useInView<T extends Element>(margin = "100px") {
  const ref = useRef<T>(null);
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (inView || !el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setInView(true);
      },
      { rootMargin: margin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [inView, margin]);
  return { ref, inView };
}
