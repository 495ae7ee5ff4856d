#!/bin/sh
# The bridge's Temporal namespace (run by the temporal-namespace service of docker-compose.yml,
# image temporalio/admin-tools). temporalio/server, unlike the old auto-setup image, creates none.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"

tries=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "Temporal at $ADDRESS is not healthy" >&2; exit 1; }
  sleep 2
done
if temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  # Closed calls stay visible in the UI for a week; parked ones are running and not affected.
  temporal operator namespace create -n "$NAMESPACE" --retention 168h --address "$ADDRESS"
fi
