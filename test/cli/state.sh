#!/usr/bin/env bash
# persist state, end to end: get, set, recovery reported on stderr.
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN
F=$WORK/app/state.json

expect_exit 0 "$P" state "$F" get
expect_file_is "$WORK/out" $'{}\n'
expect_grep 'no state file' "$WORK/err"
expect_exit 0 "$P" state "$F" set /window/width 800
expect_exit 0 "$P" state "$F" set /tabs '["a","b"]'
expect_exit 0 "$P" state "$F" get
checks=$((checks + 1))
[[ $(jq -c . "$WORK/out") == '{"window":{"width":800},"tabs":["a","b"]}' ]] || fail "state: $(cat "$WORK/out")"
checks=$((checks + 1))
[[ ! -s $WORK/err ]] || fail "a clean load reported: $(cat "$WORK/err")"
expect_exit 0 "$P" state "$F" get /window/width
expect_file_is "$WORK/out" $'800\n'
checks=$((checks + 1))
[[ $(jq -r .version "$F") == 1 && $(jq -r .last_updated "$F") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] ||
    fail "envelope: $(cat "$F")"
expect_exit 1 "$P" state "$F" get /missing
expect_exit 2 "$P" state "$F" set /x '{bad'
expect_exit 2 "$P" state "$F" frob
expect_exit 2 "$P" state "$F"

# --- a corrupt file: quarantined (bytes kept), backup used, reported -------
printf 'garbage{' >"$F"
expect_exit 0 "$P" state "$F" get
expect_grep '^persist: .*corrupt' "$WORK/err"
expect_grep '"width": 800' "$WORK/out"  # the backup of the previous save
quarantined=$(ls "$F".corrupt-* | head -n1)
expect_file_is "$quarantined" 'garbage{'

# --- a file from a newer version is refused and left untouched -------------
printf '{"version": 99, "last_updated": "2030-01-01T00:00:00Z", "state": {}}\n' >"$F"
cp "$F" "$WORK/future"
expect_exit 1 "$P" state "$F" set /x 1
expect_same_bytes "$F" "$WORK/future"

finish
