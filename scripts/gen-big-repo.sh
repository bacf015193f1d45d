#!/usr/bin/env bash
# Generates a git repository of 10,000 commits and 50,000 files (each commit adds 5 small files
# in a tree of 100 directories) with git fast-import, then times hfdoctor's git-lfs scan on it
# (whole history: the repo has no remote-tracking branch, the worst case).
# Usage: scripts/gen-big-repo.sh [DIR]   (default: a temp dir, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-}"; cleanup=""
if [ -z "$dir" ]; then dir=$(mktemp -d); cleanup=1; fi
trap '[ -n "$cleanup" ] && rm -rf "$dir"' EXIT
commits="${COMMITS:-10000}"; per="${FILES_PER_COMMIT:-5}"
git init -q -b main "$dir/repo"
python3 - "$commits" "$per" > "$dir/stream" <<'PY'
import sys
commits, per = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
mark = 0
for c in range(commits):
    out.write("commit refs/heads/main\n")
    out.write(f"committer Bench <bench@example.com> {1700000000 + c} +0000\n")
    msg = f"commit {c}\n"
    out.write(f"data {len(msg)}\n{msg}")
    for f in range(per):
        n = c * per + f
        body = f"file {n}\n" * 4
        out.write(f"M 644 inline d{n % 100}/f{n}.txt\ndata {len(body)}\n{body}")
    out.write("\n")
PY
(cd "$dir/repo" && git fast-import --quiet < "$dir/stream" && git checkout -q main && git remote add origin https://huggingface.co/acme/bench)
echo "repo: $(cd "$dir/repo" && git rev-list --count HEAD) commits, $(cd "$dir/repo" && git ls-files | wc -l) files"
cargo build --release --quiet
home=$(mktemp -d)
export HOME="$home" GIT_CONFIG_GLOBAL="$home/.gitconfig" GIT_CONFIG_NOSYSTEM=1
git lfs install --skip-repo >/dev/null 2>&1 || true
cd "$dir/repo"
for i in 1 2 3 4 5; do
  s=$(date +%s%N)
  "$OLDPWD/target/release/hfdoctor" --offline --only git-lfs --format json > "$home/out.json" || true
  e=$(date +%s%N)
  echo "scan run $i: $(( (e - s) / 1000000 )) ms ($(grep -o '"objects": "[0-9]*"' "$home/out.json" || grep -o '"code": "git-lfs/[a-z-]*"' "$home/out.json"))"
done
rm -rf "$home"
