import { expect, test, type Browser, type BrowserContextOptions } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { createSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { signInWithForm } from "./helpers/sign-in.ts";
import { axeViolations, revealLazyContent } from "./support/axe.ts";
import { createStaffUser, createUserWithOrg } from "./support/db.ts";
import { ipHeaders } from "./support/ip.ts";
import { seedRunningWorkload } from "./support/seed-running-workload.ts";

/**
 * axe (WCAG 2.1 A + AA) on every page a person can reach, in the light and the dark theme (the
 * app follows the system setting), each with real content: a busy org (a running workload Koi
 * scaled up, usage, an agent with pools, API keys, an invitation), a fresh org (the empty states a
 * new user meets first), a staff user, and the pages reached from emailed links with valid tokens.
 */
type TStorage = Awaited<ReturnType<Awaited<ReturnType<Browser["newContext"]>>["storageState"]>>;
type TWorld = {
  busy: TStorage;
  fresh: TStorage;
  staff: TStorage;
  paths: Record<string, string>;
};

async function signedIn(browser: Browser, user: { email: string; password: string }, expectUrl?: RegExp) {
  const context = await browser.newContext({ extraHTTPHeaders: ipHeaders() });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await signInWithForm(page, user, { expectUrl });
  const state = await context.storageState();
  await context.close();
  return state;
}

async function buildWorld(browser: Browser): Promise<TWorld> {
  const busy = await createUserWithOrg({ orgName: "Busy Org" });
  const { workload, agent } = await seedRunningWorkload(busy.orgId);
  await prisma.apiKey.create({
    data: {
      orgId: busy.orgId,
      name: "orca-east agent",
      prefix: "koi_live_",
      lastFour: "abcd",
      keyHash: `e2e-${randomBytes(8).toString("hex")}`,
      scopes: ["engine"],
    },
  });
  const invite = createSecretToken();
  await prisma.invitation.create({
    data: {
      orgId: busy.orgId,
      email: `e2e-invitee-${randomBytes(4).toString("hex")}@example.test`,
      role: "MEMBER",
      tokenHash: invite.tokenHash,
      expiresAt: new Date(Date.now() + 86_400_000),
      invitedById: busy.userId,
    },
  });
  const reset = createSecretToken();
  await prisma.passwordResetToken.create({
    data: { userId: busy.userId, tokenHash: reset.tokenHash, expiresAt: new Date(Date.now() + 3_600_000) },
  });
  const confirm = createSecretToken();
  await prisma.waitlistEntry.create({
    data: {
      email: `e2e-wl-${randomBytes(5).toString("hex")}@example.test`,
      name: "Wanda Waitlist",
      company: "E2E Inference Co",
      fleetSize: "9-64",
      workloadType: "BATCH",
      confirmTokenHash: confirm.tokenHash,
    },
  });
  const fresh = await createUserWithOrg({ orgName: "Fresh Org" });
  const staff = await createStaffUser();
  const o = `/o/${busy.orgSlug}`;
  const f = `/o/${fresh.orgSlug}`;
  return {
    busy: await signedIn(browser, busy),
    fresh: await signedIn(browser, fresh),
    staff: await signedIn(browser, staff, /\/(dashboard|admin|orgs)/),
    paths: {
      overview: o,
      workloads: `${o}/workloads`,
      newWorkload: `${o}/workloads/new`,
      workload: `${o}/workloads/${workload.id}`,
      fleet: `${o}/fleet`,
      agent: `${o}/fleet/agents/${agent.id}`,
      connect: `${o}/fleet/connect`,
      costs: `${o}/costs`,
      members: `${o}/settings/members`,
      apiKeys: `${o}/settings/api-keys`,
      notifications: `${o}/settings/notifications`,
      freshOverview: f,
      freshWorkloads: `${f}/workloads`,
      freshNewWorkload: `${f}/workloads/new`,
      freshFleet: `${f}/fleet`,
      freshCosts: `${f}/costs`,
      resetPassword: `/reset-password?token=${reset.token}`,
      inviteAccept: `/invite/accept?token=${invite.token}`,
      signUpInvited: `/sign-up?token=${invite.token}`,
      waitlistConfirm: `/waitlist/confirm?token=${confirm.token}`,
    },
  };
}

type TWho = "anonymous" | "busy" | "fresh" | "staff";
const PAGES: { name: string; who: TWho; path: string | ((p: Record<string, string>) => string) }[] = [
  { name: "landing", who: "anonymous", path: "/" },
  { name: "waitlist", who: "anonymous", path: "/waitlist" },
  { name: "sign-in", who: "anonymous", path: "/sign-in" },
  { name: "sign-up", who: "anonymous", path: "/sign-up" },
  { name: "sign-up from an invitation", who: "anonymous", path: (p) => p.signUpInvited! },
  { name: "forgot password", who: "anonymous", path: "/forgot-password" },
  { name: "reset password", who: "anonymous", path: (p) => p.resetPassword! },
  { name: "invite accept", who: "anonymous", path: (p) => p.inviteAccept! },
  { name: "waitlist confirm", who: "anonymous", path: (p) => p.waitlistConfirm! },
  { name: "API reference", who: "anonymous", path: "/docs/api" },
  { name: "page not found", who: "anonymous", path: "/no-such-page" },
  { name: "overview", who: "busy", path: (p) => p.overview! },
  { name: "workloads", who: "busy", path: (p) => p.workloads! },
  { name: "new workload", who: "busy", path: (p) => p.newWorkload! },
  { name: "workload detail", who: "busy", path: (p) => p.workload! },
  { name: "fleet", who: "busy", path: (p) => p.fleet! },
  { name: "agent detail", who: "busy", path: (p) => p.agent! },
  { name: "connect an engine", who: "busy", path: (p) => p.connect! },
  { name: "costs", who: "busy", path: (p) => p.costs! },
  { name: "settings: members", who: "busy", path: (p) => p.members! },
  { name: "settings: API keys", who: "busy", path: (p) => p.apiKeys! },
  { name: "settings: notifications", who: "busy", path: (p) => p.notifications! },
  { name: "overview of a new org", who: "fresh", path: (p) => p.freshOverview! },
  { name: "workloads of a new org", who: "fresh", path: (p) => p.freshWorkloads! },
  { name: "new workload with no engine", who: "fresh", path: (p) => p.freshNewWorkload! },
  { name: "fleet of a new org", who: "fresh", path: (p) => p.freshFleet! },
  { name: "costs of a new org", who: "fresh", path: (p) => p.freshCosts! },
  { name: "admin waitlist", who: "staff", path: "/admin/waitlist" },
];

// One page load serves both themes: the app's dark theme is CSS on `prefers-color-scheme` (and the
// API reference listens to it), so switching the emulated scheme restyles the loaded page.
test.describe("axe, light and dark theme", () => {
  let world: TWorld;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(90_000);
    world = await buildWorld(browser);
  });

  for (const p of PAGES) {
    test(`${p.name} has no WCAG 2.1 AA violations`, async ({ browser }) => {
      // axe walks every node: the API reference alone has thousands, slow on a busy 2-core machine.
      test.setTimeout(120_000);
      const options: BrowserContextOptions = { colorScheme: "light", extraHTTPHeaders: ipHeaders() };
      if (p.who !== "anonymous") options.storageState = world[p.who];
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const path = typeof p.path === "string" ? p.path : p.path(world.paths);
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await expect(page.locator("[aria-busy=true]:visible")).toHaveCount(0);
      await revealLazyContent(page);
      // No colour transitions: axe must measure the theme's colours, not a frame between two.
      await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
      const background: string[] = [];
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        background.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        expect(await axeViolations(page), `${colorScheme} theme`).toEqual([]);
      }
      // The loaded page did restyle for the dark theme.
      expect(background[1]).not.toBe(background[0]);
      await context.close();
    });
  }
});
