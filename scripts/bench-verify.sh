#!/usr/bin/env bash
# Throughput of `hfdoctor --offline --only hf-cache --verify-cache=all` (release build) on a
# cache of SIZE_MIB (default 2048) MiB of real blobs: four files of random bytes named by their
# sha256, as LFS/Xet blobs are. The file pages are read once before timing (a warm page cache:
# hashing, not the disk, is measured). Median of RUNS (default 5) runs, in MiB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
size_mib="${SIZE_MIB:-2048}"
cargo build --release --quiet
bin="$PWD/target/release/hfdoctor"
home=$(mktemp -d "${BENCH_DIR:-/tmp}/bench-verify.XXXXXX")
trap 'rm -rf "$home"' EXIT
cache="$home/.cache/huggingface/hub"
repo="$cache/models--acme--big"
commit=0123456789abcdef0123456789abcdef01234567
mkdir -p "$repo/blobs" "$repo/refs" "$repo/snapshots/$commit"
printf '%s' "$commit" > "$repo/refs/main"
for i in 0 1 2 3; do
  head -c $((size_mib / 4))M /dev/urandom > "$home/part"
  sum=$(sha256sum "$home/part" | cut -d' ' -f1)
  mv "$home/part" "$repo/blobs/$sum"
  ln -s "../../blobs/$sum" "$repo/snapshots/$commit/model-0000$i.safetensors"
done
cat "$repo"/blobs/* > /dev/null
cd "$home"
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  HOME="$home" "$bin" --offline --only hf-cache --verify-cache=all --timeout 120 --format json > "$home/out.json" || true
  e=$(date +%s%N)
  grep -q '"hf-cache/verify-ok"' "$home/out.json" || { echo "not verified:"; cat "$home/out.json"; exit 1; }
  times+=($(( (e - s) / 1000000 )))
done
ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "verify $size_mib MiB: median $ms ms, $(( size_mib * 1000 / ms )) MiB/s (runs: ${times[*]})"
