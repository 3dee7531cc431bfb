import { signInWithProvider } from "@/actions/sign-in-with-provider";
import type { TOAuthProvider } from "@/lib/oauth-providers";
import { Button } from "@koi/ui/button";

/** One form per provider: a plain POST to a server action, so it works before JavaScript loads. */
export function OAuthButtons({ providers, callbackUrl }: { providers: TOAuthProvider[]; callbackUrl: string }) {
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-xs text-muted-foreground" aria-hidden>
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
        or
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
      </div>
      {providers.map((p) => (
        <form key={p.id} action={signInWithProvider}>
          <input type="hidden" name="provider" value={p.id} />
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" variant="secondary" className="w-full">
            Continue with {p.name}
          </Button>
        </form>
      ))}
    </div>
  );
}
