#!/usr/bin/env bash
# An attacker who can write into a store's directory (README, "Security"):
# symbolic links and FIFOs planted at every name persist makes beside a
# store, through every command. Nothing outside the directory may be
# created or changed, and nothing may hang (each command runs under a
# timeout: exit 124 would fail its check).
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN
OUT=$WORK/outside
VICTIM_TEXT='{"version":1,"last_updated":"2026-01-01T00:00:00Z","state":{"secret":42}}'

# reset: a fresh store directory $D and outside directory with one victim.
reset() {
    rm -rf "$WORK/d" "$OUT"
    mkdir -p "$WORK/d" "$OUT"
    D=$WORK/d
    printf '%s\n' "$VICTIM_TEXT" >"$OUT/victim"
    touch -d '2020-01-01 00:00:00' "$OUT/victim"
}

# plant KIND NAME: dangling (a link to a file that does not exist, outside),
# victim (a link to the file outside), or fifo.
plant() {
    case $1 in
        dangling) ln -s "$OUT/created-through-a-link" "$2" ;;
        victim) ln -s "$OUT/victim" "$2" ;;
        fifo) mkfifo "$2" ;;
    esac
}

# still_planted KIND NAME
still_planted() {
    checks=$((checks + 1))
    case $1 in
        fifo) [[ -p $2 ]] || fail "the FIFO at $2 was replaced or removed" ;;
        *) [[ -L $2 ]] || fail "the link at $2 was replaced or removed" ;;
    esac
}

# expect_outside_untouched CONTEXT
expect_outside_untouched() {
    checks=$((checks + 1))
    local names
    names=$(ls -A "$OUT")
    [[ $names == victim ]] || fail "$1: outside now holds: $names"
    checks=$((checks + 1))
    [[ $(cat "$OUT/victim") == "$VICTIM_TEXT" ]] || fail "$1: the victim was changed"
    checks=$((checks + 1))
    [[ $(stat -c %Y "$OUT/victim") == $(date -d '2020-01-01 00:00:00' +%s) ]] ||
        fail "$1: the victim's mtime changed"
}

T=(timeout 20)
for kind in dangling victim fifo; do
    # --- lock files: every writer refuses, names the lock and what is there --
    reset
    plant $kind "$D/g.json.lock"
    expect_exit 1 "${T[@]}" "$P" settings --global "$D/g.json" --local "$D/l.json" set global /a 1
    expect_grep "cannot lock lock file '$D/g.json.lock' for '$D/g.json'" "$WORK/err"
    [[ $kind == fifo ]] && expect_grep 'a FIFO, device or socket is at the lock file' "$WORK/err"
    [[ $kind != fifo ]] && expect_grep 'a symbolic link is at the lock file' "$WORK/err"
    checks=$((checks + 1))
    [[ ! -e $D/g.json && ! -L $D/g.json ]] || fail "settings set with a $kind lock created g.json"
    still_planted $kind "$D/g.json.lock"
    expect_outside_untouched "settings lock, $kind"

    reset
    plant $kind "$D/s.json.lock"
    expect_exit 1 "${T[@]}" "$P" state "$D/s.json" set /a 1
    expect_grep "cannot lock lock file '$D/s.json.lock'" "$WORK/err"
    still_planted $kind "$D/s.json.lock"
    expect_outside_untouched "state lock, $kind"

    reset
    plant $kind "$D/log.jsonl.lock"
    expect_exit 1 "${T[@]}" "$P" append "$D/log.jsonl" < <(printf '1\n')
    expect_grep "cannot lock lock file '$D/log.jsonl.lock'" "$WORK/err"
    printf '1\n{"torn' >"$D/log.jsonl"
    expect_exit 1 "${T[@]}" "$P" repair "$D/log.jsonl"
    expect_file_is "$D/log.jsonl" $'1\n{"torn'
    still_planted $kind "$D/log.jsonl.lock"
    expect_outside_untouched "log lock, $kind"

    # --- backups: a plant at FILE.bak is replaced, never written through -----
    reset
    expect_exit 0 "$P" write "$D/f" < <(printf 'v1')
    plant $kind "$D/f.bak"
    expect_exit 0 "${T[@]}" "$P" write --backup "$D/f" < <(printf 'v2')
    checks=$((checks + 1))
    [[ -f $D/f.bak && ! -L $D/f.bak ]] || fail "write --backup left the $kind at f.bak"
    expect_file_is "$D/f.bak" v1
    expect_outside_untouched "write --backup, $kind"

    # --- state recovery never restores from a planted backup ----------------
    reset
    printf 'garbage{' >"$D/s.json"
    plant $kind "$D/s.json.bak"
    expect_exit 0 "${T[@]}" "$P" state "$D/s.json" get
    checks=$((checks + 1))
    [[ $(jq -c . "$WORK/out") == '{}' ]] || fail "state get with a $kind backup gave $(cat "$WORK/out")"
    expect_grep 'is at the backup.s name' "$WORK/err"
    expect_outside_untouched "state recovery, $kind"

    # --- quarantine names planted for the next seconds are stepped around ---
    reset
    printf 'garbage{' >"$D/s.json"
    printf '1\n{"torn' >"$D/log.jsonl"
    now=$(date +%s)
    for second in 0 1 2 3 4; do
        stamp=$(date -u -d "@$((now + second))" +%Y%m%dT%H%M%SZ)
        plant $kind "$D/s.json.corrupt-$stamp"
        plant $kind "$D/log.jsonl.torn-$stamp"
    done
    expect_exit 0 "${T[@]}" "$P" state "$D/s.json" get
    expect_exit 0 "${T[@]}" "$P" repair "$D/log.jsonl"
    expect_file_is "$D/log.jsonl" $'1\n'
    checks=$((checks + 1))
    grep -rqs -D skip 'garbage{' "$D" --include='s.json.corrupt-*' || fail "the corrupt state was not kept"
    checks=$((checks + 1))
    grep -rqs -D skip '{"torn' "$D" --include='log.jsonl.torn-*' || fail "the torn tail was not kept"
    for second in 0 1 2 3 4; do
        stamp=$(date -u -d "@$((now + second))" +%Y%m%dT%H%M%SZ)
        still_planted $kind "$D/s.json.corrupt-$stamp"
        still_planted $kind "$D/log.jsonl.torn-$stamp"
    done
    expect_outside_untouched "quarantine names, $kind"
done

finish
