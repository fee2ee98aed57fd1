#!/bin/sh
# A non-.NET client: runs `ncs --status` (nso-sim --status on the simulator) every 10 s with
# nothing but the environment NsoDev injected (NCS_IPC_ADDR/PORT or NCS_IPC_PATH, and
# NCS_IPC_ACCESS_FILE), which proves those variables alone point NSO's remote commands at
# the right instance. It exits with the command's code on the first failure.
set -eu
: "${NCS:?NCS must name the ncs executable}"
while true; do
  "$NCS" --status | grep -E '^(vsn|status|engine|  ipc|access-check):' || exit 1
  sleep "${NCS_STATUS_INTERVAL:-10}"
done
