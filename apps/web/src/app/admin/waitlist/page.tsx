import type { Metadata } from "next";
import { ZWaitlistStatus } from "@koi/services/waitlist/list-waitlist.schema";
import { WaitlistAdmin } from "@/components/admin/waitlist-admin";
import { requireStaff } from "@/lib/require-staff";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "Waitlist · Admin", robots: { index: false } };

type TSearch = { status?: string | string[]; q?: string | string[]; cursor?: string | string[] };
const one = (v: string | string[] | undefined) =>
  typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : undefined;

export default async function AdminWaitlistPage({ searchParams }: { searchParams: Promise<TSearch> }) {
  await requireStaff("/admin/waitlist");
  const params = await searchParams;
  const status = ZWaitlistStatus.safeParse(one(params.status)).data;
  const search = one(params.q);
  const cursor = one(params.cursor);
  const page = await (await serverApi()).admin.waitlist.list({ status, search, cursor });
  return <WaitlistAdmin page={page} filter={{ status, search, cursor }} />;
}
