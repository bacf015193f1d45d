#!/usr/bin/env bash
# Wall time of hfdoctor (release build) when nothing answers: git, ssh, ssh-keygen and python
# are fakes first on PATH that never answer (each forks a sleeper too, which only a process-group
# kill reaches), and HF_ENDPOINT is a loopback server that accepts connections and never says a
# word. The promise (docs/notes/processes.md): every run ends within --timeout + 1 s, and no
# fake survives it. Two worlds: everything hung; and a working git with an ssh remote, where
# ssh and python hang. RUNS per case (default 3); BIN=path measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  bin="$PWD/target/release/hfdoctor"
else
  bin="$BIN"
fi
python=$(command -v python3)
realgit=$(command -v git)
tmp=$(mktemp -d)
hole_pid=
cleanup() { [ -n "$hole_pid" ] && kill "$hole_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# The black hole: accept, hold, never answer.
"$python" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' > "$tmp/port" &
hole_pid=$!
for _ in $(seq 1 200); do [ -s "$tmp/port" ] && break; sleep 0.01; done
endpoint="http://127.0.0.1:$(cat "$tmp/port")"

home="$tmp/home"
mkdir -p "$home/.cache/huggingface" "$tmp/hang" "$tmp/hang-no-git"
printf 'hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAbcd\n' > "$home/.cache/huggingface/token"
chmod 600 "$home/.cache/huggingface/token"
pids="$tmp/pids"
for p in git ssh ssh-keygen python3 python; do
  printf '#!/bin/sh\nsleep 300 >/dev/null 2>&1 &\necho $! >> %s\necho $$ >> %s\nwait\n' "$pids" "$pids" > "$tmp/hang/$p"
  chmod +x "$tmp/hang/$p"
  if [ "$p" != git ]; then cp "$tmp/hang/$p" "$tmp/hang-no-git/$p"; fi
done
repo="$home/work/model"
mkdir -p "$repo"
g() { env -i HOME="$home" PATH="$PATH" GIT_CONFIG_NOSYSTEM=1 "$realgit" -C "$repo" -c user.name=b -c user.email=b@example.com "$@"; }
g init -q -b main
printf 'hello\n' > "$repo/README.md"
g add README.md
g commit -q -m first
g remote add origin git@hf.co:acme/model
cd "$repo"

survivors() {
  local n=0
  for p in $(cat "$pids" 2>/dev/null); do
    if [ -e "/proc/$p" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat" 2>/dev/null; then n=$((n + 1)); kill -9 "$p" 2>/dev/null || true; fi
  done
  echo "$n"
}

measure() { # label bindir timeout args...
  local label=$1 bindir=$2 t=$3; shift 3
  local times=()
  : > "$pids"
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N)
    env -i HOME="$home" PATH="$bindir:$PATH" LANG=en_US.UTF-8 GIT_CONFIG_NOSYSTEM=1 \
      HF_ENDPOINT="$endpoint" "$bin" --timeout "$t" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=( $(( (end - start) / 1000000 )) )
  done
  sleep 0.2
  local max
  max=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
  printf '%-44s --timeout %s: runs %s ms (max %s ms, promise <= %s ms), fakes left alive: %s\n' \
    "$label" "$t" "${times[*]}" "$max" "$(( (t + 1) * 1000 ))" "$(survivors)"
}

for t in 2 5; do
  measure "all hung: hfdoctor" "$tmp/hang" "$t"
  measure "all hung: hfdoctor report" "$tmp/hang" "$t" report
  measure "git works, ssh+python hung: hfdoctor" "$tmp/hang-no-git" "$t"
  measure "git works, ssh+python hung: hfdoctor report" "$tmp/hang-no-git" "$t" report
done
