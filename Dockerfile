# The bridge image: worker + dispatcher + HTTP (workers/main.ts) and the CLI (ringostat-bridge).
# Node 24 (LTS); production dependencies only — tsx, a runtime dependency, runs the TypeScript.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# The workflow code is bundled once here, not by every starting worker (see WORKFLOW_BUNDLE_PATH).
FROM deps AS bundle
# All the sources: workflows import schemas and decisions, and those may import more.
COPY . .
RUN node docker/write-workflow-bundle /app/workflow-bundle.js

FROM node:24-bookworm-slim
# tini as PID 1: forwards SIGTERM to node (a clean worker shutdown) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false \
    WORKFLOW_BUNDLE_PATH=/app/workflow-bundle.js \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=bundle /app/workflow-bundle.js ./workflow-bundle.js
# The code stays root-owned and read-only to the process; only /data is its to write.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# With TEMPORAL_ADDRESS and KAFKA_BROKERS set it connects to them and starts no infra of its own.
CMD ["node", "--import", "tsx", "workers/main.ts"]
