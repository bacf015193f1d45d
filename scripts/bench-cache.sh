#!/usr/bin/env bash
# Wall time of `hfdoctor --offline --only hf-cache` and of a whole `hfdoctor --offline`
# (release build) on a Hub cache of 2,000 files, 50 GB in all (sparse files: no disk is used),
# laid out as huggingface_hub lays it out: 40 repos of 50 files, blobs and snapshot links,
# one target repo (--repo acme/model-0), a lock file two days old for every blob (as a cache that
# has been used leaves them). Median of RUNS (default 20) runs, outside any git repository.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-20}"
cargo build --release --quiet
bin="$PWD/target/release/hfdoctor"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
cache="$home/.cache/huggingface/hub"
commit=0123456789abcdef0123456789abcdef01234567
for r in $(seq 0 39); do
  repo="$cache/models--acme--model-$r"
  mkdir -p "$repo/blobs" "$repo/refs" "$repo/snapshots/$commit" "$cache/.locks/models--acme--model-$r"
  printf '%s' "$commit" > "$repo/refs/main"
  for f in $(seq 0 49); do
    blob=$(printf '%064x' $((r * 1000 + f)))
    truncate -s 25000000 "$repo/blobs/$blob"
    ln -s "../../blobs/$blob" "$repo/snapshots/$commit/model-$f.safetensors"
    : > "$cache/.locks/models--acme--model-$r/$blob.lock"
    touch -d '2 days ago' "$cache/.locks/models--acme--model-$r/$blob.lock"
  done
done
echo "cache: $(find "$cache" -type l | wc -l) files, $(du -sh --apparent-size "$cache" | cut -f1) apparent"
cd "$home"   # outside any git repository: the cache alone is measured
median() {
  local times=()
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); env -i HOME="$home" PATH="$PATH" LANG=C.UTF-8 "$bin" "$@" > /dev/null || true; e=$(date +%s%N)
    times+=( $(( (e - s) / 1000 )) )
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f ms\n", a[int((NR+1)/2)] / 1000}'
}
echo "hfdoctor --offline --only hf-cache --repo acme/model-0: median $(median --offline --only hf-cache --repo acme/model-0)"
echo "hfdoctor --offline --only hf-cache (no target: every lock): median $(median --offline --only hf-cache)"
echo "hfdoctor --offline --repo acme/model-0 (every check): median $(median --offline --repo acme/model-0)"
echo "hfdoctor --offline (every check, no target): median $(median --offline)"
