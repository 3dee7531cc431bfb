import type { NextConfig } from "next";

const config: NextConfig = {
  poweredByHeader: false,
  transpilePackages: [
    "@koi/api",
    "@koi/auth",
    "@koi/catalog",
    "@koi/contracts",
    "@koi/core",
    "@koi/db",
    "@koi/ui",
    "@koi/planner",
    "@koi/services",
  ],
  // Bull Board finds its UI files and templates on disk: it must load from node_modules, not a bundle.
  serverExternalPackages: [
    "@node-rs/argon2",
    "pino",
    "pg",
    "ioredis",
    "bullmq",
    "prom-client",
    "@bull-board/api",
    "@bull-board/hono",
    "@bull-board/ui",
    "hono",
    "@hono/node-server",
    "@opentelemetry/sdk-node",
    "@opentelemetry/exporter-trace-otlp-http",
  ],
  typedRoutes: false,
  // `npm run typecheck` checks the whole repo, this app included, before any build in CI
  // (scripts/test-all.sh); checking the app again here only made every build ~20 s slower.
  typescript: { ignoreBuildErrors: true },
  // A CI clone builds once and is thrown away: writing Turbopack's build cache (on by default since
  // Next.js 16.4) cost its build 13 s for nothing. A developer's rebuilds keep it.
  experimental: { turbopackFileSystemCacheForBuild: !process.env.CI },
  async rewrites() {
    // Browsers use the <link rel="icon"> Next.js writes for app/icon.svg; feed readers, bookmarks
    // and crawlers still ask for /favicon.ico, which gets the PNG of app/apple-icon.tsx.
    return [{ source: "/favicon.ico", destination: "/apple-icon" }];
  },
  async headers() {
    // CSP (with a per-request nonce) is set in src/proxy.ts; these apply to every response.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains; preload" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default config;
