#!/usr/bin/env bash
# persist settings, end to end, including 8 concurrent writer processes.
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN
S=("$P" settings --global "$WORK/global.json" --local "$WORK/project/.persist/settings.json")

expect_exit 0 "${S[@]}" set global /ui/theme '"dark"'
expect_exit 0 "${S[@]}" set global /ui/font '{"family":"mono","size":11}'
expect_exit 0 "${S[@]}" set local /ui/font/size 14
expect_exit 0 "${S[@]}" add local /providers '"openai"'
expect_exit 0 "${S[@]}" add local /providers '"openai"'
expect_exit 0 "${S[@]}" add local /providers '"local"'
expect_exit 0 "${S[@]}" set local '/paths/a~1b' '"slash"'
expect_exit 0 "${S[@]}" get
checks=$((checks + 1))
[[ $(jq -c . "$WORK/out") == '{"ui":{"theme":"dark","font":{"family":"mono","size":14}},"providers":["openai","local"],"paths":{"a/b":"slash"}}' ]] ||
    fail "merged view: $(jq -c . "$WORK/out")"
expect_exit 0 "${S[@]}" get /ui/font/size
expect_file_is "$WORK/out" $'14\n'
expect_exit 0 "${S[@]}" erase local /ui/font/size
expect_exit 0 "${S[@]}" get /ui/font/size
expect_file_is "$WORK/out" $'11\n'
for f in "$WORK/global.json" "$WORK/project/.persist/settings.json"; do
    checks=$((checks + 1))
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" || fail "$f does not parse with python3"
    checks=$((checks + 1))
    [[ $(stat -c %a "$f") == 600 ]] || fail "$f was created with mode $(stat -c %a "$f"), expected 600"
done
expect_grep '^  "ui": \{$' "$WORK/global.json"

# --- exit codes ------------------------------------------------------------
expect_exit 1 "${S[@]}" get /no/such/key
expect_grep 'not found' "$WORK/err"
expect_exit 2 "${S[@]}" set sideways /x 1
expect_exit 2 "${S[@]}" set local /x '{not json'
expect_exit 2 "${S[@]}" set local 'no-slash' 1
expect_exit 2 "${S[@]}" frob
expect_exit 2 "${S[@]}"

# --- a hand-edited file with a typo (a missing comma) is never overwritten ---
printf '{\n  "ui": {\n    "theme": "dark"\n    "size": 1\n  }\n}\n' >"$WORK/global.json"
cp "$WORK/global.json" "$WORK/typo"
expect_exit 1 "${S[@]}" get
expect_grep "cannot parse '.*global.json' \(line 4, column 5" "$WORK/err"
expect_exit 1 "${S[@]}" set global /ui/theme '"light"'
expect_same_bytes "$WORK/global.json" "$WORK/typo"
rm "$WORK/global.json"

# --- a hand-edited JSONC file: edits change only the bytes they edit --------
J=("$P" settings --global "$WORK/jsonc/global.json" --local "$WORK/jsonc/local.json")
mkdir -p "$WORK/jsonc"
printf '%s\r\n' $'\xEF\xBB\xBF// Editor settings, kept by hand.' '{' \
    $'\t// The colour theme.' $'\t"theme": "dark", // or "light"' \
    $'\t/* Fonts */' $'\t"font": {' $'\t\t"size": 12,' $'\t},' '' $'\t"providers": ["a"],' '}' \
    >"$WORK/jsonc/global.json"
expect_exit 0 "${J[@]}" get
expect_file_is "$WORK/out" '{
  "theme": "dark",
  "font": {
    "size": 12
  },
  "providers": [
    "a"
  ]
}
'
expect_exit 0 "${J[@]}" set global /font/size 14
expect_exit 0 "${J[@]}" set global /zoom 1.25
expect_exit 0 "${J[@]}" add global /providers '"b"'
expect_exit 0 "${J[@]}" erase global /theme
printf '%s\r\n' $'\xEF\xBB\xBF// Editor settings, kept by hand.' '{' \
    $'\t// The colour theme.' \
    $'\t/* Fonts */' $'\t"font": {' $'\t\t"size": 14,' $'\t},' '' $'\t"providers": ["a", "b"],' \
    $'\t"zoom": 1.25,' '}' >"$WORK/jsonc/expected"
expect_same_bytes "$WORK/jsonc/global.json" "$WORK/jsonc/expected"
# A cut comment is refused with its line and column, and nothing is written.
printf '{\n  "a": 1 /* never closed\n}\n' >"$WORK/jsonc/local.json"
cp "$WORK/jsonc/local.json" "$WORK/jsonc/cut"
expect_exit 1 "${J[@]}" set local /a 2
expect_grep 'line 2, column 10: a /\* comment is not closed' "$WORK/err"
expect_same_bytes "$WORK/jsonc/local.json" "$WORK/jsonc/cut"
# A file whose every line is commented out holds no settings; the first set
# keeps the comments and adds its object below them.
printf '// Project settings.\n// "theme": "dark",\n' >"$WORK/jsonc/local.json"
expect_exit 1 "${J[@]}" get /theme
expect_grep "has no member 'theme'" "$WORK/err"
expect_exit 0 "${J[@]}" set local /theme '"light"'
printf '%s\n' '// Project settings.' '// "theme": "dark",' '{' '  "theme": "light"' '}' \
    >"$WORK/jsonc/expected"
expect_same_bytes "$WORK/jsonc/local.json" "$WORK/jsonc/expected"

# --- 8 processes set 25 distinct keys each at once: no update lost ----------
for p in $(seq 1 8); do
    (for i in $(seq 1 25); do "${S[@]}" set global "/load/p$p-$i" $i || exit 1; done) &
done
wait
expect_exit 0 "${S[@]}" get /load
checks=$((checks + 1))
[[ $(jq 'length' "$WORK/out") == 200 ]] || fail "8 x 25 concurrent sets left $(jq length "$WORK/out") keys"
expect_no_temp_files "$WORK"

finish
