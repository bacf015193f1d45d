#!/usr/bin/env bash
# Wall time and peak memory of `hfdoctor explain` on a 50 MB log whose error is at the end
# (release build). The test suite runs 8 MB in a debug build and asserts no duration.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
cargo build --release --quiet
bin="$PWD/target/release/hfdoctor"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
line='2026-11-22 10:00:00 INFO downloading shard 00001-of-00042 ... 42%'
# yes ends by SIGPIPE once head has its 50 MB; that is no failure.
yes "$line" 2>/dev/null | head -c $((50 << 20)) > "$dir/big.log" || true
cat >> "$dir/big.log" <<'LOG'
huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-abc)

Repository Not Found for url: https://huggingface.co/api/models/acme/private/revision/main.
Please make sure you specified the correct `repo_id` and `repo_type`.
If you are trying to access a private or gated repo, make sure you are authenticated and your token has the required permissions.
Invalid username or password.
LOG
for _ in $(seq 1 "$runs"); do
  env -i HOME="$dir" PATH="$PATH" /usr/bin/time -f '%e s, %M KiB peak' \
    "$bin" explain --no-check --format json --file "$dir/big.log" >/dev/null
done
