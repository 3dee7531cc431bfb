import { z } from "zod";

// Shared by the landing-page form and the server: keep this file free of server imports.

export const fleetSizeOptions = [
  { value: "none", label: "None yet" },
  { value: "1-8", label: "1–8 GPUs" },
  { value: "9-64", label: "9–64 GPUs" },
  { value: "65-512", label: "65–512 GPUs" },
  { value: "513+", label: "513+ GPUs" },
] as const;

export const workloadTypeOptions = [
  { value: "ONLINE", label: "Online serving" },
  { value: "BATCH", label: "Batch jobs" },
  { value: "BOTH", label: "Both" },
] as const;

type TValues<T extends readonly { value: string }[]> = { [K in keyof T]: T[K]["value"] };
const values = <T extends readonly { value: string }[]>(options: T) =>
  options.map((o) => o.value) as unknown as TValues<T>;

export const ZFleetSize = z.enum(values(fleetSizeOptions), { error: "Choose your GPU fleet size" });
export const ZWorkloadType = z.enum(values(workloadTypeOptions), { error: "Choose a workload type" });

export const ZJoinWaitlistInput = z
  .object({
    email: z
      .string({ error: "Enter your email address" })
      .trim()
      .toLowerCase()
      .max(254, "That email is too long")
      .email("Enter a valid email address"),
    name: z
      .string({ error: "Enter your name" })
      .trim()
      .min(1, "Enter your name")
      .max(120, "Keep it under 120 characters"),
    company: z
      .string({ error: "Enter your company" })
      .trim()
      .min(1, "Enter your company")
      .max(120, "Keep it under 120 characters"),
    fleetSize: ZFleetSize,
    workloadType: ZWorkloadType,
  })
  .strict();

export type TJoinWaitlistInput = z.input<typeof ZJoinWaitlistInput>;
export type TJoinWaitlistValues = z.output<typeof ZJoinWaitlistInput>;

export const ZJoinWaitlistOutput = z.object({ status: z.literal("check-inbox") }).strict();
export type TJoinWaitlistOutput = z.output<typeof ZJoinWaitlistOutput>;

export function fleetSizeLabel(value: string): string {
  return fleetSizeOptions.find((o) => o.value === value)?.label ?? value;
}

export function workloadTypeLabel(value: string): string {
  return workloadTypeOptions.find((o) => o.value === value)?.label ?? value;
}
