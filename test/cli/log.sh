#!/usr/bin/env bash
# persist append / read / repair, end to end.
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN
LOG=$WORK/session.jsonl

# --- append and read --------------------------------------------------------
expect_exit 0 "$P" append "$LOG" < <(printf '{"event":"start","n":1}\n\n  \n[1,2,3]\n"text"\n')
expect_exit 0 "$P" append --durability data "$LOG" < <(printf '{"event":"stop"}')  # no final newline: still one record
expect_exit 0 "$P" read "$LOG"
checks=$((checks + 1))
[[ $(wc -l <"$WORK/out") == 4 ]] || fail "read printed $(wc -l <"$WORK/out") records, expected 4"
checks=$((checks + 1))
[[ $(jq -c -s '.' "$WORK/out") == '[{"event":"start","n":1},[1,2,3],"text",{"event":"stop"}]' ]] ||
    fail "read output: $(cat "$WORK/out")"
checks=$((checks + 1))
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$LOG" || fail "the log is not valid JSON Lines"

# --- a bad input line appends nothing: exit 2, naming the line ---------------
cp "$LOG" "$WORK/before"
expect_exit 2 "$P" append "$LOG" < <(printf '{"ok":1}\n{"bad":\n')
expect_grep 'standard input line 2 is not one JSON value' "$WORK/err"
expect_same_bytes "$LOG" "$WORK/before"
for durability in none data file full; do
    expect_exit 0 "$P" append --durability $durability "$LOG" < <(printf '{"tier":"%s"}\n' $durability)
done
expect_exit 2 "$P" append --durability maybe "$LOG"
expect_exit 2 "$P" append
expect_exit 2 "$P" read

# --- a torn tail: read reports and changes nothing; repair quarantines it ----
printf '{"event":"cut sho' >>"$LOG"
cp "$LOG" "$WORK/torn"
expect_exit 0 "$P" read "$LOG"
expect_grep 'torn tail of 17 bytes' "$WORK/err"
expect_same_bytes "$LOG" "$WORK/torn"
checks=$((checks + 1))
[[ $(wc -l <"$WORK/out") == 8 ]] || fail "read printed $(wc -l <"$WORK/out") records, expected 8"
expect_exit 0 "$P" repair "$LOG"
expect_grep 'moved a torn tail of 17 bytes' "$WORK/out"
quarantine=$(ls "$LOG".torn-* 2>/dev/null | head -n1)
checks=$((checks + 1))
[[ -n $quarantine && $(cat "$quarantine") == '{"event":"cut sho' ]] || fail "quarantine file missing or wrong: '$quarantine'"
expect_exit 0 "$P" append "$LOG" < <(printf '{"after":"repair"}\n')
expect_exit 0 "$P" read "$LOG"
checks=$((checks + 1))
[[ ! -s $WORK/err ]] || fail "read after repair still complains: $(cat "$WORK/err")"
expect_exit 0 "$P" repair "$LOG"
expect_grep 'nothing to repair' "$WORK/out"

# --- corruption in the middle: exit 1 naming the line; --lenient skips it ---
printf 'not json\n{"later":true}\n' >>"$LOG"
expect_exit 1 "$P" read "$LOG"
expect_grep 'corrupt record \(line 10, byte offset [0-9]+' "$WORK/err"
expect_exit 0 "$P" read --lenient "$LOG"
expect_grep 'skipped corrupt record \(line 10' "$WORK/err"
expect_grep '"later":true' "$WORK/out"
expect_exit 0 "$P" repair "$LOG"
expect_grep 'corrupt line kept in place: line 10' "$WORK/out"
expect_grep 'not json' "$LOG"

# --- repair sweeps stale temps of dead processes ---------------------------
bash -c 'exit 0' &
dead=$!
wait $dead
stale="$WORK/.session.jsonl.tmp-$dead-0-0123456789abcdef"
echo leftover >"$stale"
touch -d '2 hours ago' "$stale"
expect_exit 0 "$P" repair "$LOG"
expect_grep "removed stale temp file .*tmp-$dead-" "$WORK/out"
checks=$((checks + 1))
[[ ! -e $stale ]] || fail "repair did not remove the stale temp"

# --- errors: missing log, directory ----------------------------------------
expect_exit 1 "$P" read "$WORK/absent.jsonl"
expect_grep "^persist: cannot read '.*absent.jsonl'.*No such file" "$WORK/err"
expect_exit 1 "$P" read "$WORK"

# --- concurrent appenders from 4 processes ----------------------------------
for p in 1 2 3 4; do
    (for i in $(seq 1 50); do printf '{"p":%d,"i":%d}\n' $p $i; done | "$P" append --durability data "$WORK/shared.jsonl") &
done
wait
expect_exit 0 "$P" read "$WORK/shared.jsonl"
checks=$((checks + 1))
[[ $(jq -s 'length' "$WORK/out") == 200 ]] || fail "4 x 50 appends gave $(jq -s length "$WORK/out") records"

finish
