import { WaitlistForm } from "./waitlist-form";

export function WaitlistSection() {
  return (
    <section
      id="waitlist"
      aria-labelledby="waitlist-title"
      className="border-t border-zinc-200 bg-zinc-50 py-20 dark:border-zinc-800 dark:bg-zinc-900/40"
    >
      <div className="mx-auto grid max-w-6xl gap-10 px-4 sm:px-6 lg:grid-cols-[1fr_1.4fr]">
        <div>
          <h2 id="waitlist-title" className="text-3xl font-bold tracking-tight">
            Join the waitlist
          </h2>
          <p className="mt-3 text-zinc-600 dark:text-zinc-300">
            We are opening Koi to teams in small groups. Tell us a little about your GPUs and workloads; confirm your
            email, and we will send your invitation when there is room.
          </p>
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <WaitlistForm />
        </div>
      </div>
    </section>
  );
}
