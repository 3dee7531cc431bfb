"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { switchActiveOrg } from "@/actions/switch-active-org";

/**
 * Shown instead of an org's pages when the URL names a different org than the session's active one
 * (org-scoped procedures always use the session's org): switches the session, then re-renders.
 */
export function SwitchActiveOrg({ orgId, orgName }: { orgId: string; orgName: string }) {
  const router = useRouter();
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  const run = () => {
    setFailed(false);
    switchActiveOrg(orgId)
      .then(({ ok }) => (ok ? router.refresh() : setFailed(true)))
      .catch(() => setFailed(true));
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    run();
  });

  return (
    <div className="mx-auto max-w-md p-8" aria-live="polite">
      {failed ? (
        <div className="space-y-3">
          <Alert tone="error">Couldn't switch to {orgName}.</Alert>
          <Button variant="secondary" onClick={run}>
            Try again
          </Button>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground" role="status">
          Switching to {orgName}…
        </p>
      )}
    </div>
  );
}
