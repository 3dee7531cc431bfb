import type { Metadata } from "next";
import Link from "next/link";
import { buildOpenApiDocument } from "@koi/contracts";
import { env } from "@koi/core/env";

export const metadata: Metadata = { title: "API reference" };

type TOperation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name?: string; in?: string; description?: string; $ref?: string }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
};

const schemaName = (ref?: string) => ref?.split("/").at(-1);

/** The OpenAPI document (generated from the shared zod contracts) rendered as a readable page. */
export default function ApiDocsPage() {
  const doc = buildOpenApiDocument({ serverUrl: env().APP_URL });
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, TOperation>).map(([method, op]) => ({ path, method, op })),
  );
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  return (
    <main className="mx-auto max-w-5xl space-y-10 px-4 py-10">
      <header className="space-y-2">
        <Link href="/" className="text-sm text-zinc-500 hover:underline">
          Koi
        </Link>
        <h1 className="text-3xl font-bold">{doc.info.title}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">
          Version {doc.info.version}. Authenticate with <code>Authorization: Bearer koi_live_…</code> (or HTTP Basic
          with the key as the password). Errors are always <code>{`{"error":{"code","message","requestId"}}`}</code>.
          Every POST honours <code>Idempotency-Key</code>. Machine-readable:{" "}
          <a className="text-brand-600 underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
          .
        </p>
      </header>
      <section aria-labelledby="ops" className="space-y-4">
        <h2 id="ops" className="text-xl font-semibold">
          Endpoints
        </h2>
        {operations.map(({ path, method, op }) => (
          <article
            key={`${method} ${path}`}
            id={op.operationId}
            className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800"
          >
            <h3 className="font-mono text-sm">
              <span className="mr-2 rounded bg-zinc-900 px-1.5 py-0.5 text-xs font-bold uppercase text-white">
                {method}
              </span>
              {path}
            </h3>
            {op.summary ? <p className="mt-2 font-medium">{op.summary}</p> : null}
            {op.description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{op.description}</p> : null}
            <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
              {op.parameters?.filter((p) => p.name).length ? (
                <>
                  <dt className="text-zinc-500">Parameters</dt>
                  <dd>
                    {op.parameters
                      .filter((p) => p.name)
                      .map((p) => `${p.name} (${p.in})`)
                      .join(", ")}
                  </dd>
                </>
              ) : null}
              {op.requestBody ? (
                <>
                  <dt className="text-zinc-500">Body</dt>
                  <dd>
                    <a
                      className="font-mono text-brand-600 underline"
                      href={`#schema-${schemaName(op.requestBody.content?.["application/json"]?.schema?.$ref)}`}
                    >
                      {schemaName(op.requestBody.content?.["application/json"]?.schema?.$ref) ?? "JSON"}
                    </a>
                  </dd>
                </>
              ) : null}
              <dt className="text-zinc-500">Responses</dt>
              <dd className="space-y-1">
                {Object.entries(op.responses ?? {}).map(([status, r]) => (
                  <div key={status}>
                    <span className="font-mono">{status}</span> {r.description}
                  </div>
                ))}
              </dd>
            </dl>
          </article>
        ))}
      </section>
      <section aria-labelledby="schemas" className="space-y-4">
        <h2 id="schemas" className="text-xl font-semibold">
          Schemas
        </h2>
        {Object.entries(schemas).map(([name, schema]) => (
          <details
            key={name}
            id={`schema-${name}`}
            className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
          >
            <summary className="cursor-pointer font-mono text-sm font-medium">{name}</summary>
            <pre className="mt-2 overflow-x-auto rounded bg-zinc-50 p-3 text-xs dark:bg-zinc-900">
              {JSON.stringify(schema, null, 2)}
            </pre>
          </details>
        ))}
      </section>
    </main>
  );
}
