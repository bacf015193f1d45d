#!/usr/bin/env bash
# A whole `hfdoctor --repo acme/public --write` against the Hub stand-in answering every request
# after LATENCY_MS (default 200). Prints the wall time (hyperfine where present, else a median
# of a loop), the requests one run sends, and the time of one round trip for comparison.
# PUSH=1 runs it inside a clone whose origin is acme/public on the stand-in, with alice's old
# read token in git's credential store (the stale-credential case: git-credential's write
# checks join the run).
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
dir="$work"; args="--repo acme/public --write"
if [ "${PUSH:-0}" = 1 ]; then
  dir="$work/clone"; args=""
  export GIT_CONFIG_GLOBAL="$work/home/.gitconfig"
  git init -q "$dir" && git -C "$dir" remote add origin "$url/acme/public"
  HOME="$work/home" git config --global credential.helper store
  printf 'protocol=http\nhost=%s\nusername=alice\npassword=hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead\n\n' "${url#http://}" |
    HOME="$work/home" git credential approve
fi
bin="$PWD/target/release/hfdoctor"
run() { (cd "$dir" && env -i HOME="$work/home" PATH="$PATH" LANG=C.UTF-8 GIT_CONFIG_GLOBAL="$work/home/.gitconfig" HF_ENDPOINT="$url" "$bin" $args >/dev/null) || true; }

: > "$work/log"; run; sleep 0.1
echo "requests in one run:"; sed 's/^/  /' "$work/log"
echo "  total: $(wc -l < "$work/log")"

if command -v hyperfine >/dev/null; then
  export -f run; export work url dir bin args
  hyperfine --warmup 1 --runs "$runs" --shell=bash run || echo "(hyperfine failed; the loop below still measures)"
fi
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N); run; e=$(date +%s%N); times+=( $(( (e - s) / 1000000 )) )
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "hfdoctor ${args:-(in the clone)}, ${runs} runs, ${latency} ms per request: median wall ${median} ms"
