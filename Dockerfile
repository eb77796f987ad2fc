# syntax=docker/dockerfile:1
# meshguard: multi-stage build. The runtime image has Node.js, the production dependencies and the
# compiled JavaScript, runs as a non-root user and has no shell or package manager.

ARG NODE_VERSION=20

# Production dependencies only, installed exactly from the lockfile.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Full install and TypeScript build.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# Runtime: distroless Node.js, user 65532 (nonroot). The chart runs it with a read-only root
# filesystem; meshguard writes nothing to disk in the cluster.
FROM gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist/src ./dist/src
USER 65532:65532
EXPOSE 8443 9090
# The entrypoint is `meshguard`, the default command `serve`; the chart passes args [serve, --settings, FILE].
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/cli.js"]
CMD ["serve"]
