import Link from "next/link";
import type { TMyOrg } from "@koi/services/org/list-my-orgs.schema";
import { KoiLogo } from "@/components/koi-logo";
import { NavLinks } from "./nav-links";
import { OrgSwitcher } from "./org-switcher";
import { UserMenu } from "./user-menu";

export function TopNav({
  current,
  orgs,
  user,
}: {
  current: TMyOrg;
  orgs: TMyOrg[];
  user: { name: string | null; email: string | null };
}) {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
      <nav aria-label="Main" className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:gap-4 sm:px-6">
        <Link
          href={`/o/${current.slug}`}
          aria-label="Koi — overview"
          className="rounded-md focus-visible:outline-2 focus-visible:outline-ring"
        >
          <KoiLogo />
        </Link>
        <span aria-hidden className="text-zinc-300 dark:text-zinc-700">
          /
        </span>
        <OrgSwitcher current={current} orgs={orgs} />
        <div className="ml-2 hidden md:block">
          <NavLinks slug={current.slug} />
        </div>
        <div className="ml-auto">
          <UserMenu name={user.name} email={user.email} />
        </div>
      </nav>
      {/* Narrow screens: the sections on a row of their own, wrapping rather than widening the page. */}
      <nav aria-label="Sections" className="border-t border-zinc-100 px-4 py-1 md:hidden dark:border-zinc-900">
        <NavLinks slug={current.slug} />
      </nav>
    </header>
  );
}
