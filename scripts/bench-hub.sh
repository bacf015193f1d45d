#!/usr/bin/env bash
# A whole `hfdoctor --repo acme/public --write` against the Hub stand-in answering every request
# after LATENCY_MS (default 200). Prints the wall time (hyperfine where present, else a median
# of a loop), the requests one run sends, and the time of one round trip for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
latency="${LATENCY_MS:-200}"; runs="${RUNS:-10}"
cargo build --release --quiet
cargo build --release --quiet --example hub_standin
work=$(mktemp -d); trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
target/release/examples/hub_standin "$latency" > "$work/url" 2> "$work/log" & pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
mkdir -p "$work/home/.cache/huggingface"
printf 'hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit' > "$work/home/.cache/huggingface/token"
chmod 600 "$work/home/.cache/huggingface/token"
run() { env -i HOME="$work/home" PATH="$PATH" LANG=C.UTF-8 HF_ENDPOINT="$url" target/release/hfdoctor --repo acme/public --write >/dev/null || true; }

: > "$work/log"; run; sleep 0.1
echo "requests in one run:"; sed 's/^/  /' "$work/log"
echo "  total: $(wc -l < "$work/log")"

if command -v hyperfine >/dev/null; then
  export -f run; export work url
  hyperfine --warmup 1 --runs "$runs" --shell=bash run || echo "(hyperfine failed; the loop below still measures)"
fi
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N); run; e=$(date +%s%N); times+=( $(( (e - s) / 1000000 )) )
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "hfdoctor --repo acme/public --write, ${runs} runs, ${latency} ms per request: median wall ${median} ms"
