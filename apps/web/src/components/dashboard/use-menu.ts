"use client";

import { useEffect, useId, useRef, useState } from "react";

/**
 * A disclosure menu: Escape or a click/focus outside closes it and returns focus to the button.
 * Items stay plain links and buttons, so Tab reaches them and screen readers read them as such.
 */
export function useMenu() {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onOutside = (e: Event) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onOutside);
    document.addEventListener("focusin", onOutside);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onOutside);
      document.removeEventListener("focusin", onOutside);
    };
  }, [open]);

  return {
    open,
    close: () => setOpen(false),
    rootRef,
    buttonProps: { ref: buttonRef, "aria-expanded": open, "aria-controls": menuId, onClick: () => setOpen((o) => !o) },
    menuId,
  };
}
