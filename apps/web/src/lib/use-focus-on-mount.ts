"use client";

import { useEffect, useRef } from "react";

/**
 * For what replaces the thing that had focus (a form's result, a confirmation): focus it when it
 * appears, so keyboard and screen-reader users land on it instead of the page body. Give the element
 * tabIndex={-1} unless it is focusable already.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
