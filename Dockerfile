# The bridge image: worker + dispatcher (npm start) and the CLI (npm run bridge).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
# With TEMPORAL_ADDRESS and KAFKA_BROKERS set, npm start connects to them and starts no infra.
CMD ["npm", "start"]
