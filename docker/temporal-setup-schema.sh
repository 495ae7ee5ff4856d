#!/bin/sh
# Temporal's databases on PostgreSQL (run by the temporal-schema service of docker-compose.yml,
# image temporalio/admin-tools). Safe to run on every `up`: it creates what is missing and
# applies only the schema versions a database does not have yet, so a newer image upgrades it.
# The cluster stack (tools/infra/cluster/temporal-schema.ts) runs this same script with its own
# temporal-sql-tool on PATH and SCHEMA_DIR pointing at the schema of the server it built.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
SCHEMA="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"; }

for db in temporal:temporal temporal_visibility:visibility; do
  name="${db%%:*}" dir="${db#*:}"
  # "create" fails when the database exists, which is the normal case after the first start.
  sql --db "$name" create 2>/dev/null || echo "database $name exists"
  sql --db "$name" setup-schema -v 0.0
  sql --db "$name" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "Temporal schema ready"
