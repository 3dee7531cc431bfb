"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { MAIN_ID } from "./main-content";

/**
 * After a client-side navigation (signing in, submitting a form that moves on, a link), the element
 * that had focus is gone and the browser drops focus to the page body: the next Tab starts over
 * from the top and a screen reader says nothing. Move it to the new page's main content instead —
 * unless the page already put it somewhere (an autofocused field).
 */
export function FocusMainOnNavigate() {
  const pathname = usePathname();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      document.getElementById(MAIN_ID)?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
  return null;
}
