import type { ReactNode } from "react";
import { currentPath } from "@/lib/current-path";
import { requireStaff } from "@/lib/require-staff";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireStaff((await currentPath()) ?? "/admin/waitlist");
  return children;
}
