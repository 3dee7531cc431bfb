"use client";

import { createContext, useContext, type ComponentProps, type ReactNode } from "react";
import { cn } from "./cn.tsx";

const control =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-ring focus:outline-none focus:ring-2 focus:ring-ring/30 aria-[invalid=true]:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-[invalid=true]:border-red-400";

/** What a Field tells the control inside it: which texts describe it, and whether it is in error. */
const FieldContext = createContext<{ describedBy?: string; invalid: boolean } | null>(null);

/**
 * The control's own aria-describedby/aria-invalid win; inside a Field they default to the field's
 * error (or hint), so a screen reader reads the error with the field and announces it invalid.
 */
function useFieldAria(props: {
  "aria-describedby"?: string;
  "aria-invalid"?: ComponentProps<"input">["aria-invalid"];
}) {
  const field = useContext(FieldContext);
  return {
    "aria-describedby": props["aria-describedby"] ?? field?.describedBy,
    "aria-invalid": props["aria-invalid"] ?? (field?.invalid || undefined),
  };
}

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(control, className)} {...props} {...useFieldAria(props)} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(control, className)} {...props} {...useFieldAria(props)} />;
}

/**
 * A labelled form field. Its error (announced when it appears) or else its hint describes the
 * Input or Select inside it, which is marked invalid while there is an error.
 */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <FieldContext.Provider value={{ describedBy, invalid: Boolean(error) }}>{children}</FieldContext.Provider>
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}
