#!/usr/bin/env bash
# Compare the last two stored versions of a policy and alert only on substantive changes.
# Exit codes of `policydiff compare`: 0 nothing substantive, 1 substantive, 2 usage, 3 error.
set -u
dir=${1:-snapshots/telegram.org/privacy}
mapfile -t versions < <(ls "$dir"/*.md "$dir"/*.html 2>/dev/null | sort | tail -n 2)
if [ "${#versions[@]}" -lt 2 ]; then echo "need two versions in $dir" >&2; exit 2; fi
policydiff compare --format json "${versions[0]}" "${versions[1]}" > /tmp/policydiff.json
case $? in
  0) echo "no substantive change" ;;
  1) echo "SUBSTANTIVE CHANGE: see /tmp/policydiff.json"; exit 1 ;;
  *) echo "comparison failed" >&2; exit 3 ;;
esac
