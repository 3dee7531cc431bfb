// What the README promises once `npm start` says "Koi is running", checked over HTTP against the
// running quick start (scripts/test-quickstart.sh runs it): every listed address answers, both
// listed logins sign in, the demo's three agents come online and /dev/mail is closed.
//
//   node --import tsx scripts/lib/check-quickstart.ts
export {}; // a module, so its top-level await and names are its own
const WEB = "http://localhost:3000";
// The HTTP suite's request and sign-in helpers, pointed at the quick start.
process.env.KOI_HTTP_BASE_URL = WEB;
const { http, signIn: signInWithForm } = await import("../../apps/web/http-tests/support/http.ts");

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

async function status(url: string): Promise<number> {
  try {
    return (await http(url, { signal: AbortSignal.timeout(10_000) }, "")).status;
  } catch {
    return 0;
  }
}

/** Signs in through Auth.js's credentials form as the sign-in page does; the cookie, or null. */
async function signIn(email: string, password: string): Promise<string | null> {
  const { cookie } = await signInWithForm(email, password);
  if (!cookie) return null;
  const who = (await http("/api/auth/session", { headers: { cookie } })).json as { user?: { email?: string } } | null;
  return who?.user?.email === email ? cookie : null;
}

check((await status(`${WEB}/`)) === 200, `web app answers at ${WEB}/`);
check(
  (await status("http://localhost:3100/healthz")) === 200,
  "worker health answers at http://localhost:3100/healthz",
);
check((await status(`${WEB}/dev/mail`)) === 404, "/dev/mail is closed in the quick start");
for (const [name, url] of [
  ["Orca sim (orca-east)", "http://127.0.0.1:26336/health"],
  ["Orca sim (orca-west)", "http://127.0.0.1:26337/health"],
  ["Tuna router (tuna-chat)", "http://127.0.0.1:8080/router/health"],
  ["Tuna router (orca-west's simulator, idle)", "http://127.0.0.1:8081/router/health"],
] as const) {
  check((await status(url)) === 200, `${name} answers at ${url}`);
}
for (const port of [8091, 8092]) {
  const code = await status(`http://127.0.0.1:${port}/`);
  check(code > 0 && code < 500, `agent webhook listener on port ${port} answers HTTP`);
}

const staff = await signIn("staff@koi.local", "koi-staff-2026");
check(staff !== null, "staff login staff@koi.local / koi-staff-2026 signs in");
const demo = await signIn("demo@koi.local", "koi-demo-2026");
check(demo !== null, "demo login demo@koi.local / koi-demo-2026 signs in");

if (demo) {
  // The demo's agents register within a heartbeat or two of starting.
  let online = 0;
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    const res = await http("/api/trpc/fleet.list", { headers: { cookie: demo } });
    type TFleet = { result?: { data?: { json?: { clusters: { agents: { status: string }[] }[] } } } };
    const body = res.status === 200 ? (res.json as TFleet) : null;
    const clusters = body?.result?.data?.json?.clusters ?? [];
    online = clusters.flatMap((c) => c.agents).filter((a) => a.status === "ONLINE").length;
    if (online >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  check(online >= 3, `the demo's three agents are online on the Fleet page (saw ${online})`);
}

if (failures.length) {
  console.error(`\n${failures.length} quick-start promise(s) broken`);
  process.exit(1);
}
