#!/usr/bin/env bash
# Numbers through the persist command, as users give them: 2000 random
# doubles from all bit patterns, written by Python's repr (its shortest
# round-trip form), come back bit for bit through append and read, settings
# set and get, and state set and get; and they are written plainly.
source "$(dirname "${BASH_SOURCE[0]}")/lib/assert.bash"
P=$PERSIST_BIN

python3 - "$WORK/doubles.json" <<'EOF'
import json, math, random, struct, sys
random.seed(20261207)
values = []
while len(values) < 2000:
    d = struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0]
    if math.isfinite(d):
        values.append(d)
# The classic hard cases too.
values += [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1e23, -0.0,
           0.9424502837770503]
json.dump(values, open(sys.argv[1], 'w'))
EOF

# same_doubles FILE-OF-VALUES: compares $WORK/doubles.json with the JSON
# array in FILE, bit for bit; prints the first differences.
same_doubles() {
    checks=$((checks + 1))
    python3 - "$WORK/doubles.json" "$1" <<'EOF' || fail "$1: doubles changed"
import json, struct, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
bits = lambda x: struct.pack('<d', float(x))
bad = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if bits(w) != bits(g)]
for i, w, g in bad[:5]:
    print(f"  element {i}: wrote {w!r}, read {g!r}", file=sys.stderr)
sys.exit(1 if bad or len(want) != len(got) else 0)
EOF
}

# --- append and read ---------------------------------------------------------
python3 -c 'import json,sys; [print(json.dumps({"v": v})) for v in json.load(open(sys.argv[1]))]' \
    "$WORK/doubles.json" >"$WORK/records"
"$P" append "$WORK/log.jsonl" <"$WORK/records" || fail "append failed"
expect_exit 0 "$P" read "$WORK/log.jsonl"
# (not jq: it reads -0.0 as 0)
python3 -c 'import json,sys; print(json.dumps([json.loads(l)["v"] for l in open(sys.argv[1])]))' \
    "$WORK/out" >"$WORK/read-back.json"
same_doubles "$WORK/read-back.json"

# --- settings set and get (a read-modify-write per set) ----------------------
S=("$P" settings --global "$WORK/global.json" --local "$WORK/local.json")
expect_exit 0 "${S[@]}" set local /v "$(cat "$WORK/doubles.json")"
expect_exit 0 "${S[@]}" set local /other 1
expect_exit 0 "${S[@]}" get /v
same_doubles "$WORK/out"

# --- state set and get -------------------------------------------------------
expect_exit 0 "$P" state "$WORK/state.json" set /v "$(cat "$WORK/doubles.json")"
expect_exit 0 "$P" state "$WORK/state.json" set /other 1
expect_exit 0 "$P" state "$WORK/state.json" get /v
same_doubles "$WORK/out"

# --- written plainly ---------------------------------------------------------
expect_exit 0 "${S[@]}" set global /ui '{"scale":1.5,"opacity":0.85,"zoom":100.0,"n":100,"tiny":1e-7,"huge":1.5e300,"z":-0.0}'
expect_file_is "$WORK/global.json" '{
  "ui": {
    "scale": 1.5,
    "opacity": 0.85,
    "zoom": 100.0,
    "n": 100,
    "tiny": 1e-7,
    "huge": 1.5e+300,
    "z": -0.0
  }
}
'
# A double stays a double on the next read, an integer an integer.
expect_exit 0 "${S[@]}" get /ui/zoom
expect_file_is "$WORK/out" $'100.0\n'
expect_exit 0 "${S[@]}" get /ui/n
expect_file_is "$WORK/out" $'100\n'
expect_exit 0 "${S[@]}" set global /big 18446744073709551615
expect_exit 0 "${S[@]}" get /big
expect_file_is "$WORK/out" $'18446744073709551615\n'

# --- a number too large for a double is refused, the file untouched ---------
cp "$WORK/global.json" "$WORK/before"
expect_exit 2 "${S[@]}" set global /x 1e999
expect_grep 'number is out of range for a double' "$WORK/err"
printf '{\n  "x": 1e999\n}\n' >"$WORK/local.json"
cp "$WORK/local.json" "$WORK/huge"
expect_exit 1 "${S[@]}" set local /y 1
expect_grep 'line 2, column .*number is out of range for a double' "$WORK/err"
expect_same_bytes "$WORK/local.json" "$WORK/huge"
expect_same_bytes "$WORK/global.json" "$WORK/before"

finish
