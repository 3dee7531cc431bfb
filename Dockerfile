# syntax=docker/dockerfile:1
# One image for the web app and the worker (docker-compose.yml picks the command).
#   docker build -t koi .
# Internal packages are TypeScript run from source (tsx for the worker and scripts), so the
# runtime image keeps node_modules with dev dependencies.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
# The whole tree first: npm ci's postinstall generates the Prisma client from prisma/schema.prisma,
# and every workspace's package.json must be present for the lockfile to install.
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# Placeholders: `next build` must not need a real database, Redis or secret (runtime env wins).
RUN DATABASE_URL=postgresql://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379 \
    AUTH_SECRET=build-time-placeholder-never-used-at-runtime-0000 \
    npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000 3100
# Web: apply migrations, optionally seed the demo org, then Koi's web server (see the script).
CMD ["bash", "scripts/docker/web-entrypoint.sh"]
