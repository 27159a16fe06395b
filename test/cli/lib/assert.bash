# Shared helpers for the `persist` end-to-end scripts. Source it; it sets
# `set -euo pipefail`, makes $WORK (removed on exit) and checks $PERSIST_BIN.
set -euo pipefail

: "${PERSIST_BIN:?set PERSIST_BIN to the persist executable}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/persist-cli-XXXXXX")
cleanup_hooks=()
cleanup() {
    local hook
    for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_exit CODE CMD... : runs CMD, captures stdout/stderr in $WORK/out and
# $WORK/err, and checks its exit code.
expect_exit() {
    local want=$1
    shift
    checks=$((checks + 1))
    local got=0
    "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
    if [[ $got != "$want" ]]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/  stderr: /' "$WORK/err" >&2
    fi
}

# expect_file_is FILE EXPECTED-CONTENT
expect_file_is() {
    checks=$((checks + 1))
    if [[ ! -f $1 ]]; then
        fail "$1 does not exist"
    elif [[ $(cat "$1"; echo x) != "$2"x ]]; then
        fail "$1 holds '$(head -c 200 "$1")', expected '$(head -c 200 <<<"$2")'"
    fi
}

# expect_same_bytes FILE REFERENCE
expect_same_bytes() {
    checks=$((checks + 1))
    cmp -s "$1" "$2" || fail "$1 differs from $2"
}

# expect_grep PATTERN FILE
expect_grep() {
    checks=$((checks + 1))
    grep -qE -- "$1" "$2" || fail "'$1' not found in $2: $(head -c 300 "$2")"
}

# expect_no_temp_files DIR
expect_no_temp_files() {
    checks=$((checks + 1))
    local temps
    temps=$(find "$1" -maxdepth 1 -name "*.tmp-*" -printf "%f ")
    [[ -z $temps ]] || fail "temp files left in $1: $temps"
}

# skip REASON : ends the script as skipped (ctest SKIP_RETURN_CODE 77).
skip() {
    echo "SKIPPED: $*"
    exit 77
}

# finish : prints the summary line and exits 1 if anything failed.
finish() {
    echo "$checks checks, $failures failed"
    ((failures == 0))
}
