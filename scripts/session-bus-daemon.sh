#!/usr/bin/env bash
# The session bus's daemon for `npm test` (dbus-run-session --dbus-daemon=this script).
# Run as root, dbus-daemon raises its open-files limit to 65536 and, where it may not (a
# container without CAP_SYS_RESOURCE, whose hard limit is lower), says so on stderr:
# "Failed to set fd limit to 65536: Operation not permitted", in the middle of the test log.
# A test session needs a few dozen descriptors, so it's harmless, and no bus configuration
# element governs it. Exactly then, the daemon logs to the system log instead of stderr.
set -euo pipefail
quiet=()
if [ "$(id -u)" = 0 ] && [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt 65536 ] && ! (ulimit -Hn 65536) 2>/dev/null; then
  quiet=(--syslog-only)
fi
exec dbus-daemon "$@" "${quiet[@]}"
