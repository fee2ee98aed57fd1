#!/bin/sh
# A non-.NET client: runs `ncs --status` (nso-sim --status on the simulator) every 10 s with
# nothing but the environment NsoDev injected (NCS_IPC_ADDR/PORT or NCS_IPC_PATH,
# NCS_IPC_ACCESS_FILE, and NSODEV_NCS, the instance's ncs program), which proves those variables
# alone point NSO's remote commands at the right instance. It exits 1 at the first failure, as when
# its instance is stopped; the default AppHost starts it again once the instance runs again
# (AppHost/StatusClientRestarts.cs).
set -eu
: "${NSODEV_NCS:?NSODEV_NCS must name the ncs executable; reference the instance with WithReference}"
while true; do
  "$NSODEV_NCS" --status | grep -E '^(vsn|status|engine|  ipc|access-check):' || exit 1
  sleep "${NCS_STATUS_INTERVAL:-10}"
done
