#!/usr/bin/env bash
# persist write, end to end: happy paths, exit codes, syscall faults injected
# with strace, kill -9 with a concurrent reader, and a real ENOSPC.
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN

# --- happy paths ----------------------------------------------------------
expect_exit 0 "$P" write "$WORK/a/b/new.txt" < <(printf 'hello\n')
expect_file_is "$WORK/a/b/new.txt" $'hello\n'
expect_no_temp_files "$WORK/a/b"
for durability in none data file full; do
    for temp in sibling anonymous tmpdir; do
        expect_exit 0 "$P" write --durability $durability --temp $temp "$WORK/matrix" < <(printf '%s-%s' $durability $temp)
        expect_file_is "$WORK/matrix" "$durability-$temp"
    done
done
mkdir "$WORK/scratch"
expect_exit 0 "$P" write --temp-dir "$WORK/scratch" "$WORK/matrix" < <(printf 'via --temp-dir')
expect_file_is "$WORK/matrix" 'via --temp-dir'
expect_no_temp_files "$WORK/scratch"
expect_exit 2 "$P" write --temp sibling --temp-dir "$WORK/scratch" "$WORK/matrix" < <(printf 'x')
expect_no_temp_files "$WORK"

expect_exit 0 "$P" write "$WORK/kept" < <(printf 'v1')
expect_exit 0 "$P" write --backup --mode 600 "$WORK/kept" < <(printf 'v2')
expect_file_is "$WORK/kept" v2
expect_file_is "$WORK/kept.bak" v1
checks=$((checks + 1))
[[ $(stat -c %a "$WORK/kept") == 600 ]] || fail "--mode 600 gave $(stat -c %a "$WORK/kept")"

expect_exit 0 "$P" write "$WORK/real" < <(printf 'target')
ln -s real "$WORK/link"
expect_exit 0 "$P" write "$WORK/link" < <(printf 'through')
expect_file_is "$WORK/real" through
expect_exit 0 "$P" write --no-follow "$WORK/link" < <(printf 'own')
checks=$((checks + 1))
[[ ! -L $WORK/link ]] || fail "--no-follow left the symlink in place"
expect_file_is "$WORK/real" through

expect_exit 0 "$P" write --help
expect_grep 'Usage: persist write' "$WORK/out"
expect_exit 0 "$P" --version
expect_grep '^persist [0-9]' "$WORK/out"

# --- usage errors and invalid input: exit 2, nothing written --------------
expect_exit 2 "$P"
expect_exit 2 "$P" frobnicate
expect_exit 2 "$P" write
expect_exit 2 "$P" write --durability sometimes "$WORK/x"
expect_grep 'expects none\|data\|file\|full' "$WORK/err"
expect_exit 2 "$P" write --mode 999 "$WORK/x"
expect_exit 2 "$P" write --bogus "$WORK/x"
expect_exit 2 "$P" write "" < <(printf 'x')
expect_grep "^persist: refused '' \(the path is empty\)" "$WORK/err"
expect_exit 2 "$P" write "$WORK" < <(printf 'x')
expect_grep 'Is a directory' "$WORK/err"
expect_exit 2 "$P" write "$WORK/real/child" < <(printf 'x')
expect_grep 'Not a directory' "$WORK/err"
checks=$((checks + 1))
[[ ! -e $WORK/x ]] || fail "a rejected write created $WORK/x"

# --- faults injected at the syscall level ----------------------------------
if ! command -v strace >/dev/null || ! strace -f -o /dev/null -e inject=getpid:retval=1 true 2>/dev/null; then
    echo "strace fault injection unavailable: syscall-fault checks not run"
    fail "strace with -e inject is required (apt-get install strace)"
else
    # traced ARGS...: strace ARGS... with LeakSanitizer off in the traced
    # program (a sanitizer build's), since it cannot run under ptrace.
    traced() {
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"
    }
    # nth_call SYSCALL PATTERN: the index (1-based) of the first SYSCALL call
    # whose strace line matches PATTERN, in a dry run of the same write.
    nth_call() {
        printf 'original' >"$WORK/victim"
        printf 'replacement' | traced -f -o "$WORK/trace" -e trace="$1" "$P" write "$WORK/victim"
        grep -m1 -nE -- "$2" "$WORK/trace" | cut -d: -f1
    }
    # inject SYSCALL PATTERN ERRNO EXPECTED-MESSAGE: fails the call that
    # matches PATTERN with ERRNO; the target must stay byte-for-byte intact.
    inject() {
        local syscall=$1 pattern=$2 errno=$3 message=$4 when
        when=$(nth_call "$syscall" "$pattern")
        printf 'original' >"$WORK/victim"
        cp "$WORK/victim" "$WORK/victim.ref"
        expect_exit 1 traced -f -o /dev/null -e inject="$syscall":error="$errno":when="$when" "$P" write "$WORK/victim" < <(printf 'replacement')
        expect_grep "^persist: $message" "$WORK/err"
        expect_same_bytes "$WORK/victim" "$WORK/victim.ref"
        expect_no_temp_files "$WORK"
    }
    inject fsync 'fsync' EIO "cannot sync temporary file '.*/\.victim\.tmp-[^']*' for '.*/victim': Input/output error"
    inject rename 'rename' EACCES "cannot rename temporary file .* to '.*/victim': Permission denied"
    inject openat 'victim\.tmp-' ENOSPC "cannot create temporary file in '.*' for '.*/victim': No space left on device"
    inject fchmod 'fchmod' EPERM "cannot set mode or owner of temporary file"
    inject write 'replacement' EDQUOT "cannot write temporary file .*: Disk quota exceeded"

    # The directory fsync after the rename: new content in place, error says so.
    printf 'original' >"$WORK/victim"
    expect_exit 1 traced -f -o /dev/null -e inject=fsync:error=EIO:when=2 "$P" write "$WORK/victim" < <(printf 'replacement')
    expect_grep "now holds the new content whose durability is unknown" "$WORK/err"
    expect_file_is "$WORK/victim" replacement

    # EINTR on write is retried, and the result is whole.
    expect_exit 0 traced -f -o /dev/null -e inject=write:error=EINTR:when=1..3 "$P" write "$WORK/victim" < <(printf 'interrupted but whole')
    expect_file_is "$WORK/victim" 'interrupted but whole'
fi

# --- kill -9 at random moments while a reader loops ------------------------
head -c 2000000 /dev/zero | tr '\0' a >"$WORK/version-a"
head -c 3000000 /dev/zero | tr '\0' b >"$WORK/version-b"
cp "$WORK/version-a" "$WORK/contended"
sum_a=$(cksum <"$WORK/version-a")
sum_b=$(cksum <"$WORK/version-b")
(
    while [[ ! -e $WORK/stop-reader ]]; do
        sum=$(cksum <"$WORK/contended" 2>/dev/null || echo missing)
        [[ $sum == "$sum_a" || $sum == "$sum_b" ]] || echo "torn: $sum" >>"$WORK/violations"
    done
) &
reader=$!
kills=0
for round in $(seq 1 40); do
    version=$([[ $((round % 2)) == 0 ]] && echo a || echo b)
    "$P" write --durability none "$WORK/contended" <"$WORK/version-$version" &
    writer=$!
    sleep "0.00$((RANDOM % 10))"
    kill -9 $writer 2>/dev/null && kills=$((kills + 1))
    wait $writer 2>/dev/null || true
done
touch "$WORK/stop-reader"
wait $reader
checks=$((checks + 1))
[[ ! -s $WORK/violations ]] || fail "reader saw a torn file: $(head -3 "$WORK/violations")"
sum=$(cksum <"$WORK/contended")
checks=$((checks + 1))
[[ $sum == "$sum_a" || $sum == "$sum_b" ]] || fail "final content is neither version"
echo "kill -9: $kills of 40 writers killed mid-flight, reader saw only whole versions"

# --- a real ENOSPC on a tiny tmpfs -----------------------------------------
mkdir "$WORK/tiny"
if mount -t tmpfs -o size=256k tmpfs "$WORK/tiny" 2>"$WORK/mount-error"; then
    cleanup_hooks+=("umount '$WORK/tiny'")
    printf 'small and intact' >"$WORK/tiny/target"
    expect_exit 1 "$P" write "$WORK/tiny/target" < <(head -c 1000000 /dev/zero)
    expect_grep 'No space left on device' "$WORK/err"
    expect_file_is "$WORK/tiny/target" 'small and intact'
    expect_no_temp_files "$WORK/tiny"
else
    echo "ENOSPC check not run: cannot mount a tmpfs here ($(cat "$WORK/mount-error"))"
fi

finish
