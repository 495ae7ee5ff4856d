# The bridge image: worker + dispatcher + HTTP (dist/workers/main.js) and the CLI (ringostat-bridge),
# on plain node. Node 24 (LTS); the build stage compiles, the image holds production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# dist/: the compiled JavaScript and the workflow bundle (dist/workflow-bundle.js), which a starting
# worker loads instead of running webpack in every container.
RUN npm run build
# The tools built beside the product (the demo, the sandbox, the dev stack) stay out of the image:
# the product imports none of them (test/unit/layout.test.ts), so only `--demo` misses them.
RUN rm -rf dist/tools

FROM node:24-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:24-bookworm-slim
# tini as PID 1 (the image's one init; compose adds none): forwards SIGTERM to node, which drains
# and stops, and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
# The code stays root-owned and read-only to the process; only /data is its to write.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# With TEMPORAL_ADDRESS and KAFKA_BROKERS set it connects to them and starts no infra of its own.
# It needs CONFIG_PATH: without it the process exits 1 saying so (no silent demo; `--demo` asks for one).
CMD ["node", "dist/workers/main.js"]
