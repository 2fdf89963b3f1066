#!/usr/bin/env bash
# Load benchmark of a built friendgraph binary over loopback, with nginx as the ceiling.
#
#   bench/run.sh [BINARY] [--duration SECONDS] [--threads N] [--connections N]
#                [--users N] [--friends N] [--seed-threads N] [--keep]
#
# BINARY defaults to build/friendgraph (this script builds nothing). Needs wrk, nginx and
# python3 on PATH. Everything listens on 127.0.0.1 only, in a fresh temporary directory that is
# removed at exit (--keep leaves it, with the logs and wrk outputs, for inspection).
#
# Phases, each `wrk --latency` for a fixed duration with the same threads and connections:
#   1. nginx   `return 200 "ok"` answering the same signed POST a friend/get sends (the ceiling)
#   2. get     friend/get.action, full 50-friend list (updatetime=0), rotating over all users
#   3. write   friend/add.action type=1 and friend/delete.action alternating on unseeded pairs
# Every response's status and body are checked in the wrk Lua scripts; any wrong one, and any
# socket error or timeout, is reported and makes the script exit 1.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"

BIN="$REPO/build/friendgraph"
DURATION=10
THREADS=2
CONNECTIONS=32
USERS=2000
FRIENDS=50
SEED_THREADS=8
KEEP=0

while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --friends) FRIENDS="$2"; shift 2 ;;
    --seed-threads) SEED_THREADS="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) BIN="$1"; shift ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN is not an executable (build it first, or pass its path)"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
for tool in wrk nginx python3 curl timeout; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH"
done
[[ "$DURATION" =~ ^[0-9]+$ ]] && ((DURATION > 0 && DURATION <= 120)) ||
  die "--duration must be 1..120 seconds (a signature is valid for 5 minutes)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fg-bench.XXXXXX")"
FG_PID=""
NGINX_PID=""

stop_pid() {  # stop_pid PID SIGNAL: signal, wait up to 5 s, then SIGKILL
  local pid="$1" sig="$2"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$NGINX_PID" QUIT
  stop_pid "$FG_PID" TERM
  if ((KEEP)); then echo "run.sh: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints "AppKey Nonce CurTime CheckSum", fresh; valid for 5 minutes.
sign() {
  python3 - "$APP_KEY" "$APP_SECRET" <<'EOF'
import hashlib, os, sys, time
key, secret = sys.argv[1:3]
nonce, now = os.urandom(8).hex(), str(int(time.time()))
print(key, nonce, now, hashlib.sha1((secret + nonce + now).encode()).hexdigest())
EOF
}

rss_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }  # rss_kib PID VmRSS|VmHWM
cpu_ticks() {  # utime+stime of PID and its children processes (nginx workers), in clock ticks
  local total=0 p
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
tree_rss_kib() {  # VmRSS summed over PID and its children
  local total=0 p
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    total=$((total + $(rss_kib "$p" VmRSS || echo 0)))
  done
  echo "$total"
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2"; }  # field KEY "BENCH ..."
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

echo "== machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))," \
  "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "== binary: $BIN"
echo "== wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per phase; graph: $USERS users x $FRIENDS friends"

# --- friendgraph -------------------------------------------------------------------------------
APP_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
APP_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
cat >"$TMP/friendgraph.toml" <<EOF
listen = "127.0.0.1:0"
data_dir = "$TMP/data"
log_level = "warn"
[[apps]]
name = "bench"
max_friends = 100000
[apps.netease]
app_key = "$APP_KEY"
app_secret = "$APP_SECRET"
rate_limit_per_second = 0
EOF
"$BIN" serve --config "$TMP/friendgraph.toml" >"$TMP/friendgraph.out" 2>"$TMP/friendgraph.err" &
FG_PID=$!
FG_URL=""
for _ in $(seq 150); do
  FG_URL="$(sed -n 's/^friendgraph listening on \(http:[^ ]*\)$/\1/p' "$TMP/friendgraph.out")"
  [[ -n "$FG_URL" ]] && break
  kill -0 "$FG_PID" 2>/dev/null || { cat "$TMP/friendgraph.err" >&2; die "friendgraph exited"; }
  sleep 0.1
done
[[ -n "$FG_URL" ]] || die "friendgraph did not start listening within 15 s"
echo "== friendgraph pid $FG_PID at $FG_URL, data in $TMP/data (SQLite WAL, synchronous=FULL)"
RSS_IDLE="$(rss_kib "$FG_PID" VmRSS)"

# --- seed ----------------------------------------------------------------------------------------
timeout 900 python3 "$BENCH/seed.py" --url "$FG_URL" --app-key "$APP_KEY" --app-secret "$APP_SECRET" \
  --users "$USERS" --friends "$FRIENDS" --threads "$SEED_THREADS" | tee "$TMP/seed.out" ||
  die "seeding failed"
SEED_LINE="$(grep '^seed: done' "$TMP/seed.out")"
RSS_SEED="$(rss_kib "$FG_PID" VmRSS)"

# --- nginx ---------------------------------------------------------------------------------------
NGINX_PORT="$(free_port)"
mkdir -p "$TMP/nginx/logs"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type text/plain;
      return 200 "ok";
    }
  }
}
EOF
nginx -e "$TMP/nginx/logs/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 100); do
  [[ "$(curl -s --max-time 1 "$NGINX_URL/" || true)" == ok ]] && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/logs/error.log" >&2; die "nginx exited"; }
  sleep 0.1
done
[[ "$(curl -s --max-time 1 "$NGINX_URL/")" == ok ]] || die "nginx did not answer within 10 s"
echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $NGINX_PID at $NGINX_URL (2 workers)"

# --- load ----------------------------------------------------------------------------------------
declare -A RPS P50 P99 MAX BAD RSS HWM CPU
FAILED=0

phase() {  # phase NAME URL SCRIPT PID
  local name="$1" url="$2" script="$3" pid="$4" out="$TMP/wrk-$1.txt" line cpu0 cpu1
  # shellcheck disable=SC2046  # sign prints four words, passed as four script arguments
  cpu0="$(cpu_ticks "$pid")"
  FG_BENCH_DIR="$BENCH" timeout $((DURATION + 60)) \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 2s --latency \
    -s "$BENCH/$script" "$url" -- $(sign) "$USERS" "$FRIENDS" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed in phase $name"; }
  cpu1="$(cpu_ticks "$pid")"
  line="$(grep '^BENCH ' "$out")" || { cat "$out" >&2; die "no BENCH line in phase $name"; }
  echo "-- $name: $(grep -E 'Requests/sec|^ +(50|99)%' "$out" | tr -s ' ' | tr '\n' ' ')"
  grep '^BENCH_FIRST_BAD' "$out" || true
  RPS[$name]="$(field rps "$line")"
  P50[$name]="$(field p50_us "$line")"
  P99[$name]="$(field p99_us "$line")"
  MAX[$name]="$(field max_us "$line")"
  BAD[$name]=$(($(field bad_status "$line") + $(field bad_body "$line") + $(field socket_errors "$line")))
  if [[ "$(field checked "$line")" -lt "$(field requests "$line")" ]]; then
    BAD[$name]=$((BAD[$name] + $(field requests "$line") - $(field checked "$line")))
  fi
  ((BAD[$name] == 0)) || { FAILED=1; echo "!! $name: ${BAD[$name]} wrong answers or socket errors: $line"; }
  CPU[$name]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" \
    'BEGIN { printf "%.0f", 100 * t / hz / d }')"
  if [[ "$pid" == "$FG_PID" ]]; then
    RSS[$name]="$(rss_kib "$pid" VmRSS)"
    HWM[$name]="$(rss_kib "$pid" VmHWM)"
  else
    RSS[$name]="$(tree_rss_kib "$pid")"
    HWM[$name]=""
  fi
}

phase nginx "$NGINX_URL" static.lua "$NGINX_PID"
phase get "$FG_URL" friend_get.lua "$FG_PID"
phase write "$FG_URL" write_mix.lua "$FG_PID"

# --- summary -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="${RPS[nginx]}" 'BEGIN { printf "%.1f %%", 100 * a / b }'; }
row() {  # row LABEL NAME
  local hwm="${HWM[$2]:+ / $(mib "${HWM[$2]}")}"
  printf '| %-38s | %9.0f | %6s | %6s | %7s | %7s | %4s %% | %-13s | %5s |\n' "$1" "${RPS[$2]}" \
    "$(ms "${P50[$2]}")" "$(ms "${P99[$2]}")" "$(ms "${MAX[$2]}")" "$(ratio "${RPS[$2]}")" \
    "${CPU[$2]}" "$(mib "${RSS[$2]}")$hwm" "${BAD[$2]}"
}
echo
echo "$SEED_LINE"
echo "friendgraph RSS: $(mib "$RSS_IDLE") MiB at start, $(mib "$RSS_SEED") MiB after seeding"
echo
echo "| phase ($THREADS wrk threads, $CONNECTIONS connections, ${DURATION} s) | req/s | p50 ms | p99 ms | max ms | vs nginx | CPU | RSS MiB (now / peak) | wrong |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
row 'nginx `return 200` (ceiling)' nginx
row "friend/get, $FRIENDS friends, updatetime=0" get
row 'friend/add type=1 + friend/delete' write
echo
echo "CPU: server process(es) CPU time / wall time (200 % = both cores); wrong: non-200 statuses,"
echo "bodies other than the expected {\"code\":200...}, socket errors and timeouts."
echo

verdict() { if awk "BEGIN { exit !($2) }"; then echo "met     $1"; else echo "MISSED  $1"; fi; }
echo "targets:"
verdict "friend/get >= 20 % of nginx req/s ($(ratio "${RPS[get]}"))" "${RPS[get]} >= 0.2 * ${RPS[nginx]}"
verdict "friend/get p99 < 5 ms ($(ms "${P99[get]}") ms)" "${P99[get]} < 5000"
verdict "durable writes >= 5000/s ($(printf '%.0f' "${RPS[write]}")/s)" "${RPS[write]} >= 5000"
verdict "friendgraph peak RSS < 100 MiB ($(mib "${HWM[write]}") MiB)" "${HWM[write]} < 102400"
verdict "no wrong answers" "$FAILED == 0"
exit "$FAILED"
