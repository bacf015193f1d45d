#!/usr/bin/env bash
# Wall time and peak memory of `hfdoctor --offline` (release build), median of N runs, in a
# throwaway HOME holding a token file, a stored_tokens file and a shell rc file to scan.
# By default it runs inside a git repository whose origin is a Hub repo
# (https://huggingface.co/acme/model), where the git checks run; IN_GIT_REPO=0 runs in the
# throwaway HOME, outside any repository.
# BIN=path measures another build (e.g. an older one) instead of building this one.
# Uses hyperfine when present (apt-get install hyperfine); falls back to a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-20}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  bin="$PWD/target/release/hfdoctor"
else
  bin="$BIN"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
if [ "${IN_GIT_REPO:-1}" = 1 ]; then
  repo="$home/work/model"
  mkdir -p "$repo"
  g() { env -i HOME="$home" PATH="$PATH" GIT_CONFIG_NOSYSTEM=1 git -C "$repo" -c user.name=b -c user.email=b@example.com "$@"; }
  g init -q -b main
  printf 'hello\n' > "$repo/README.md"
  g add README.md
  g commit -q -m first
  g remote add origin https://huggingface.co/acme/model
  cd "$repo"
else
  # Not this project's own work tree: outside any repository.
  cd "$home"
fi
mkdir -p "$home/.cache/huggingface"
printf 'hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAbcd\n' > "$home/.cache/huggingface/token"
printf '[work]\nhf_token = hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAbcd\n' > "$home/.cache/huggingface/stored_tokens"
chmod 600 "$home/.cache/huggingface/"*
seq 1 2000 | sed 's/^/alias a=b # line /' > "$home/.bashrc"
run() { env -i HOME="$home" PATH="$PATH" LANG=en_US.UTF-8 HF_TOKEN=hf_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbWxyz "$bin" --offline >/dev/null || true; }
export -f run; export home bin

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" \
    "env -i HOME=$home PATH=$PATH LANG=en_US.UTF-8 HF_TOKEN=hf_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbWxyz $bin --offline" \
    || echo "(hyperfine failed; the loop below still measures)"
fi

times=(); rss=()
for _ in $(seq 1 "$runs"); do
  out=$(env -i HOME="$home" PATH="$PATH" LANG=en_US.UTF-8 HF_TOKEN=hf_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbWxyz \
    /usr/bin/time -f '%e %M' "$bin" --offline 2>&1 >/dev/null | tail -1 || true)
  start=$(date +%s%N); run; end=$(date +%s%N)
  times+=( $(( (end - start) / 1000 )) )
  rss+=( "${out#* }" )
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "hfdoctor --offline${repo:+ (in a git repo with a Hub remote)}, $runs runs: median wall $(( $(median "${times[@]}") / 1000 )).$(( $(median "${times[@]}") % 1000 / 100 )) ms, median peak RSS $(median "${rss[@]}") KiB"
