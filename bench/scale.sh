#!/usr/bin/env bash
# Scale benchmark: the same read and write load on graphs of growing size, imported rather than
# seeded, with nginx as the ceiling in the same run (issue: flat cost from 2,000 to 1,000,000 users).
#
#   bench/scale.sh [BINARY] [--sizes "2000 100000 1000000"] [--friends 50] [--duration SECONDS]
#                  [--threads N] [--connections N] [--hot N] [--walk SECONDS] [--budget-mb "B1 B2 …"]
#                  [--cache-dir DIR] [--results FILE] [--wait-idle SECONDS]
#                  [--import-timeout SECONDS] [--keep]
#
# BINARY defaults to build/friendgraph (this script builds nothing). Needs wrk, nginx, python3,
# curl and timeout on PATH. Everything listens on 127.0.0.1 only, in a fresh temporary directory
# that is removed at exit with every server stopped (--keep leaves it, with the data directories,
# logs and wrk outputs). Exit 1 if any answer was wrong or a server died.
#
# For each size (users; --friends each, default 50, on a ring as bench/make_graph.py and
# bench/seed.py make them: user i befriends i±1 … i±FRIENDS/2):
#   1. graph   bench/make_graph.py writes the JSON Lines file, in the temporary directory (removed
#              after the import), or in --cache-dir as graph-<users>x<friends>.jsonl, kept and
#              reused by later runs (1,000,000 x 50 is about 2.5 GB)
#   2. import  `friendgraph import --data-dir <fresh> --config <the run's config> --app bench`,
#              server stopped: wall time, edges/s (the summary line's edges over its seconds),
#              the database's size afterwards
#   3. for each --budget-mb (default: none, i.e. no key): the config gets `memory_budget_mb = B`
#      at the top level (the import runs with the same config minus that one line); each budget
#      runs on its own copy of the imported data directory; a binary that does not know the key
#      refuses the config: the budget is reported as unsupported and skipped. The server starts
#      on the data directory, then each phase is `wrk -t THREADS -c CONNECTIONS -d DURATION
#      --timeout 2s --latency` (default -t1 -c32, 10 s):
#        nginx   `return 200 "ok"` to the same signed POST a friend/get sends (bench/static.lua),
#                the ceiling; nginx runs once for the whole script
#        random  friend/get.action, whole list (updatetime=0), a user drawn at random per request
#                from the whole set (bench/friend_get_random.lua), right after the server started:
#                the cold start, every list read from the store
#        walk    the same, every user in turn for --walk SECONDS (default 60; 0 skips walk and
#                warm), each wrk thread from its own part of the set (bench/friend_get_walk.lua):
#                fills the caches as far as the budget holds
#        warm    random again, after the walk: the steady state of a budget that holds the
#                working set (the issue's "≥ 50 % of the 2k rate" is this phase's)
#        hot     the same over --hot users (default 1,000) spread over the set, after an
#                unmeasured warm-up of min(3, DURATION) s over them: cached reads
#        beside  hot again, measured, while a second wrk (one thread, the same connections) sends
#                random reads of the whole set beside it: cached reads next to cold ones (no
#                head-of-line blocking); the second wrk's figures are printed under the table
#        write   bench/write_mix.lua: friend/add type=1 and friend/delete alternating on pairs
#                100+ apart, never friends in the ring (so never in the imported graph), visited in
#                order (consecutive writes touch neighbouring users, as bench/run.sh's do)
#        rwrite  the same on other pairs (offset THREADS), visited in random order: writes to users
#                spread over the whole set
#      Each phase reports req/s, its ratio to the nginx phase of the same size and budget, p50,
#      p99, max, wrong answers (statuses, bodies, socket errors, timeouts), the server's CPU per
#      request, its friend-list cache hits (from /metrics), what it read from disk
#      (/proc/PID/io read_bytes), its VmRSS and VmHWM afterwards, and how idle the machine was
#      before (--wait-idle waits up to SECONDS for 90 % idle, as bench/run.sh does).
# The tables go to stdout and are appended, as they are made, to --results FILE (default
# ${TMPDIR:-/tmp}/fg-scale-<date>.md), which survives a failed run.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

BIN="$REPO/build/friendgraph"
SIZES="2000 100000 1000000"
FRIENDS=50
DURATION=10
THREADS=1
CONNECTIONS=32
HOT=1000
WALK=60
BUDGETS=""
CACHE_DIR=""
RESULTS=""
WAIT_IDLE=0
IMPORT_TIMEOUT=3600
KEEP=0

while (($#)); do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --friends) FRIENDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --hot) HOT="$2"; shift 2 ;;
    --walk) WALK="$2"; shift 2 ;;
    --budget-mb) BUDGETS="$2"; shift 2 ;;
    --cache-dir) CACHE_DIR="$2"; shift 2 ;;
    --results) RESULTS="$2"; shift 2 ;;
    --wait-idle) WAIT_IDLE="$2"; shift 2 ;;
    --import-timeout) IMPORT_TIMEOUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,55p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
    *) BIN="$1"; shift ;;
  esac
done

die() { echo "scale.sh: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN is not an executable (build it first, or pass its path)"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
for tool in wrk nginx python3 curl timeout; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH"
done
for n in $SIZES "$FRIENDS" "$DURATION" "$THREADS" "$CONNECTIONS" "$HOT" "$WALK" "$WAIT_IDLE" "$IMPORT_TIMEOUT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"
done
[[ -n "${SIZES// /}" ]] || die "--sizes is empty"
for b in ${BUDGETS:--}; do
  [[ "$b" == - || "$b" =~ ^[0-9]+$ ]] || die "--budget-mb: '$b' is not a whole number (or - for none)"
done
((DURATION > 0 && DURATION <= 120)) ||
  die "--duration must be 1..120 seconds (a signature is valid for 5 minutes)"
((WALK <= 240)) || die "--walk must be 0..240 seconds (a signature is valid for 5 minutes)"
((FRIENDS >= 2 && FRIENDS % 2 == 0)) || die "--friends must be even and at least 2"
((THREADS > 0 && CONNECTIONS >= THREADS)) || die "--connections must be at least --threads"
((HOT > 0)) || die "--hot must be at least 1"
for s in $SIZES; do
  ((s > FRIENDS)) || die "size $s must exceed --friends"
  # write_mix.lua's pairs are (a, a + 100 + offset + thread), offset up to THREADS: 2 x that
  # distance must stay under the size.
  ((2 * (100 + 2 * THREADS) < s)) || die "size $s is too small for write_mix.lua (needs > $((2 * (100 + 2 * THREADS))))"
done
if [[ -n "$CACHE_DIR" ]]; then
  mkdir -p "$CACHE_DIR"
  CACHE_DIR="$(cd "$CACHE_DIR" && pwd)"
fi
RESULTS="${RESULTS:-${TMPDIR:-/tmp}/fg-scale-$(date +%Y%m%d-%H%M%S).md}"
: >>"$RESULTS" || die "cannot write $RESULTS"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fg-scale.XXXXXX")"
FG_PID=""
NGINX_PID=""
FAILED=0


# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  stop_pid "$NGINX_PID" QUIT
  stop_pid "$FG_PID" TERM 30
  if ((KEEP)); then echo "scale.sh: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# Prints "AppKey Nonce CurTime CheckSum", fresh; valid for 5 minutes.

read_bytes() { awk '$1 == "read_bytes:" { print $2 }' "/proc/$1/io" 2>/dev/null || echo 0; }
mib_b() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }  # 1000000 -> 1,000,000
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
free_bytes() { df -B1 --output=avail "$1" | tail -1 | tr -d ' '; }
out() { echo "$*" | tee -a "$RESULTS"; }  # a line for stdout and the results file

# friendgraph's cache counter NAME (hits_total|misses_total) for the friend-list cache.
cache_counter() {
  curl -s --noproxy "*" --max-time 5 "$FG_URL/metrics" |
    awk -v k="friendgraph_cache_$1{cache=\"friend_lists\"}" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}

APP_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
APP_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
write_config() {  # write_config FILE DATA_DIR BUDGET(- for none)
  {
    [[ "$3" == - ]] || echo "memory_budget_mb = $3"
    cat <<EOF
listen = "127.0.0.1:0"
data_dir = "$2"
log_level = "warn"
[[apps]]
name = "bench"
max_friends = 100000
[apps.netease]
app_key = "$APP_KEY"
app_secret = "$APP_SECRET"
rate_limit_per_second = 0
# wrk sends one signature over and over: the load test is a replay by design.
reject_replayed_nonce = false
EOF
  } >"$1"
}

# start_friendgraph CONFIG LOG_PREFIX: sets FG_PID and FG_URL; returns 2 when the binary does not
# know memory_budget_mb, 1 on any other failure (its stderr printed).
start_friendgraph() {
  local config="$1" log="$2"
  : >"$log.out"
  "$BIN" serve --config "$config" >"$log.out" 2>"$log.err" &
  FG_PID=$!
  FG_URL=""
  for _ in $(seq 3000); do  # 300 s: a large store may take a while to open
    FG_URL="$(sed -n 's/^friendgraph listening on \(http:[^ ]*\)$/\1/p' "$log.out")"
    [[ -n "$FG_URL" ]] && return 0
    if ! kill -0 "$FG_PID" 2>/dev/null; then
      wait "$FG_PID" 2>/dev/null || true
      FG_PID=""
      grep -q "unknown key 'memory_budget_mb'" "$log.err" && return 2
      cat "$log.err" >&2
      return 1
    fi
    sleep 0.1
  done
  cat "$log.err" >&2
  stop_pid "$FG_PID" KILL
  FG_PID=""
  return 1
}

# --- nginx, the ceiling, once for the whole script ----------------------------------------------
start_nginx

out ""
out "## bench/scale.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
out ""
out "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))," \
  "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
out "- binary: $BIN ($(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'), $(sha256sum "$BIN" | cut -c1-12))"
out "- wrk: $THREADS thread(s), $CONNECTIONS connections, ${DURATION} s per phase, --timeout 2s;" \
  "nginx $(nginx -v 2>&1 | sed 's/.*\///') (2 workers); hot set: $HOT users"
out "- sizes: $SIZES users x $FRIENDS friends; memory_budget_mb: ${BUDGETS:-none}"
out ""

# --- phases ---------------------------------------------------------------------------------------
HZ="$(getconf CLK_TCK)"
declare -A RPS P50 P99 MAX BAD RSS HWM CPUREQ IDLE OTHERS HITS DISK BESIDE_LINE
RUN_FAILED=0  # the server of the current run died: its remaining phases are skipped

# phase RUN NAME URL SCRIPT PID EXTRA_ARGS...: one wrk run of PHASE_SECS seconds (DURATION unless
# set); the script's args are a fresh signature then EXTRA_ARGS. Records the figures under RUN:NAME.
# With BESIDE="SCRIPT ARGS…" set, a second wrk runs that script against URL for the same time, and
# its BENCH line is kept in BESIDE_LINE[RUN:NAME] (its wrong answers count as the phase's).
phase() {
  local run="$1" name="$2" url="$3" script="$4" pid="$5"
  shift 5
  local k="$run:$name" o="$TMP/wrk-${run//[^A-Za-z0-9]/_}-$name.txt" line cpu0 cpu1 stat0 stat1
  local wrk_ticks waited=1 h0=0 m0=0 h1=0 m1=0 r0 r1 sig secs="${PHASE_SECS:-$DURATION}"
  local beside_pid="" beside_line="" served
  IDLE[$k]="$(idle_pct)"
  while ((IDLE[$k] < 90 && waited < WAIT_IDLE)); do
    IDLE[$k]="$(idle_pct)"
    waited=$((waited + 1))
  done
  if [[ "$pid" == "$FG_PID" ]]; then h0="$(cache_counter hits_total)"; m0="$(cache_counter misses_total)"; fi
  sig="$(sign)"
  r0="$(read_bytes "$pid")"
  stat0="$(busy_ticks)"
  cpu0="$(cpu_ticks "$pid")"
  if [[ -n "${BESIDE:-}" ]]; then
    local beside=()  # the script, then its arguments
    read -r -a beside <<<"$BESIDE"
    # shellcheck disable=SC2086  # $sig is four words, passed as four script arguments
    FG_BENCH_DIR="$BENCH" timeout $((secs + 120)) wrk -t 1 -c "$CONNECTIONS" -d "${secs}s" \
      --timeout 2s --latency -s "$BENCH/${beside[0]}" "$url" -- $sig "${beside[@]:1}" \
      >"$o.beside" 2>&1 &
    beside_pid=$!
  fi
  # shellcheck disable=SC2086  # $sig is four words, passed as four script arguments
  (FG_BENCH_DIR="$BENCH" timeout $((secs + 120)) \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${secs}s" --timeout 2s --latency \
    -s "$BENCH/$script" "$url" -- $sig "$@" >"$o" 2>&1 &&
    times >"$o.times") || { cat "$o" >&2; echo "!! wrk failed in phase $name"; FAILED=1; }
  if [[ -n "$beside_pid" ]]; then
    wait "$beside_pid" || { cat "$o.beside" >&2; echo "!! the wrk beside phase $name failed"; FAILED=1; }
    beside_line="$(grep '^BENCH ' "$o.beside")" || beside_line=""
  fi
  cpu1="$(cpu_ticks "$pid")"
  stat1="$(busy_ticks)"
  r1="$(read_bytes "$pid")"
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null && echo "!! the server (pid $pid) exited during phase $name" ||
      echo "!! the server (pid $pid) died during phase $name, exit status $?"
    FAILED=1
    RUN_FAILED=1
    return 0
  fi
  line="$(grep '^BENCH ' "$o")" || { cat "$o" >&2; echo "!! no BENCH line in phase $name"; FAILED=1; return 0; }
  wrk_ticks="$(sed -n 2p "$o.times" 2>/dev/null | awk -v hz="$HZ" '
    function sec(t) { split(t, p, "m"); return p[1] * 60 + p[2] }  # "0m1.234s"
    { printf "%.0f", (sec($1) + sec($2)) * hz }')"
  OTHERS[$k]="$(awk -v t=$((stat1 - stat0 - (cpu1 - cpu0) - ${wrk_ticks:-0})) -v hz="$HZ" \
    -v d="$secs" 'BEGIN { v = 100 * t / hz / d; printf "%.0f", v < 0 ? 0 : v }')"
  RPS[$k]="$(field rps "$line")"
  P50[$k]="$(field p50_us "$line")"
  P99[$k]="$(field p99_us "$line")"
  MAX[$k]="$(field max_us "$line")"
  BAD[$k]=$(($(field bad_status "$line") + $(field bad_body "$line") + $(field socket_errors "$line")))
  if (($(field checked "$line") < $(field requests "$line"))); then
    BAD[$k]=$((BAD[$k] + $(field requests "$line") - $(field checked "$line")))
  fi
  served="$(field requests "$line")"
  if [[ -n "$beside_pid" ]]; then
    BESIDE_LINE[$k]="$beside_line"
    if [[ -z "$beside_line" ]]; then
      BAD[$k]=$((BAD[$k] + 1))
    else
      BAD[$k]=$((BAD[$k] + $(field bad_status "$beside_line") + $(field bad_body "$beside_line") +
        $(field socket_errors "$beside_line")))
      served=$((served + $(field requests "$beside_line")))
    fi
    grep '^BENCH_FIRST_BAD' "$o.beside" || true
  fi
  ((BAD[$k] == 0)) || { FAILED=1; echo "!! $name: ${BAD[$k]} wrong answers or socket errors: $line"; }
  grep '^BENCH_FIRST_BAD' "$o" || true
  # The server's CPU over every request it answered in the phase (both wrks' with BESIDE).
  CPUREQ[$k]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="$served" \
    'BEGIN { printf "%.0f", n ? 1e6 * t / hz / n : 0 }')"
  DISK[$k]="$(mib_b $((r1 - r0)))"
  if [[ "$pid" == "$FG_PID" ]]; then
    h1="$(cache_counter hits_total)"
    m1="$(cache_counter misses_total)"
    HITS[$k]="$(awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) \
      'BEGIN { if (h + m) printf "%.1f %%", 100 * h / (h + m); else printf "–" }')"
    RSS[$k]="$(rss_kib "$pid" VmRSS)"
    HWM[$k]="$(rss_kib "$pid" VmHWM)"
  else
    HITS[$k]="–"
    RSS[$k]="$(tree_rss_kib "$pid")"
    HWM[$k]=""
  fi
  printf -- '-- %-8s %7.0f req/s  p50 %6s ms  p99 %6s ms  %4s µs CPU/req  list-cache hits %s  disk read %s MiB  RSS %s MiB  wrong %s' \
    "$name" "${RPS[$k]}" "$(ms "${P50[$k]}")" "$(ms "${P99[$k]}")" "${CPUREQ[$k]}" "${HITS[$k]}" \
    "${DISK[$k]}" "$(mib "${RSS[$k]}")" "${BAD[$k]}"
  echo "  (machine ${IDLE[$k]} % idle before, others ${OTHERS[$k]} %)"
}

# An unmeasured wrk run (the hot set's warm-up).
warm_up() {  # warm_up URL SCRIPT SECONDS EXTRA_ARGS...
  local url="$1" script="$2" secs="$3" sig
  shift 3
  sig="$(sign)"
  # shellcheck disable=SC2086
  FG_BENCH_DIR="$BENCH" timeout $((secs + 120)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${secs}s" \
    --timeout 2s -s "$BENCH/$script" "$url" -- $sig "$@" >"$TMP/warm-up.txt" 2>&1 ||
    { cat "$TMP/warm-up.txt" >&2; echo "!! the warm-up failed"; FAILED=1; }
}

PHASES="nginx random walk warm hot beside write rwrite"
# shellcheck disable=SC2016  # the backquotes are markdown
declare -A LABEL=(
  [nginx]='nginx `return 200` (ceiling)'
  [random]="friend/get, random user, cold start"
  [walk]="friend/get, every user in turn, ${WALK} s"
  [warm]="friend/get, random user, after walk"
  [hot]="friend/get, hot set of $HOT"
  [beside]="hot set, random reads beside"
  [write]="friend/add type=1 + friend/delete"
  [rwrite]="the same, random pairs"
)
RUNS=()                 # "users budget" of each run that served, in order
declare -A RUN_NOTE     # per run: why it has no figures, if so
declare -A IMP_WALL IMP_SECS IMP_EPS IMP_DB IMP_EDGES GEN_NOTE RSS0

row() {  # row RUN NAME
  local k="$1:$2" hwm vs
  [[ -n "${RPS[$k]:-}" ]] || { printf '| %-37s | – | – | – | – | – | – | – | – | – | – | – |\n' "${LABEL[$2]}"; return; }
  hwm="${HWM[$k]:+ / $(mib "${HWM[$k]}")}"
  vs="$(awk -v a="${RPS[$k]}" -v b="${RPS[$1:nginx]:-0}" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else printf "–" }')"
  printf '| %-37s | %7.0f | %7s | %6s | %6s | %7s | %5s | %5s | %7s | %7s | %-13s | %3s %% / %3s %% |\n' \
    "${LABEL[$2]}" "${RPS[$k]}" "$vs" "$(ms "${P50[$k]}")" "$(ms "${P99[$k]}")" "$(ms "${MAX[$k]}")" \
    "${BAD[$k]}" "${CPUREQ[$k]}" "${HITS[$k]}" "${DISK[$k]}" "$(mib "${RSS[$k]}")$hwm" \
    "${IDLE[$k]}" "${OTHERS[$k]}"
}
TABLE_HEAD="| phase | req/s | vs nginx | p50 ms | p99 ms | max ms | wrong | CPU µs/req | list-cache hits | disk read MiB | RSS MiB (VmRSS / VmHWM after) | idle before / others |"
TABLE_RULE="|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"

# --- sizes ----------------------------------------------------------------------------------------
for USERS in $SIZES; do
  EDGES_WANT=$((USERS * FRIENDS))
  echo
  echo "== $(thousands "$USERS") users x $FRIENDS friends ($(thousands "$EDGES_WANT") edges)"

  # 1. The graph file: cached, or generated (into the cache, or the temporary directory).
  GRAPH_EST=$((EDGES_WANT * 49 + USERS * 50))
  if [[ -n "$CACHE_DIR" ]]; then
    GRAPH="$CACHE_DIR/graph-${USERS}x${FRIENDS}.jsonl"
  else
    GRAPH="$TMP/graph-${USERS}x${FRIENDS}.jsonl"
  fi
  if [[ -s "$GRAPH" ]]; then
    GEN_NOTE[$USERS]="cached $GRAPH ($(mib_b "$(stat -c %s "$GRAPH")") MiB)"
  else
    GEN_DIR="$(dirname "$GRAPH")"
    (($(free_bytes "$GEN_DIR") > GRAPH_EST + 1073741824)) ||
      die "$GEN_DIR has $(mib_b "$(free_bytes "$GEN_DIR")") MiB free; the graph needs about $(mib_b "$GRAPH_EST") MiB (+1 GiB)"
    echo "-- generating $GRAPH (about $(mib_b "$GRAPH_EST") MiB)"
    t0="$(now)"
    timeout 3600 python3 "$BENCH/make_graph.py" --users "$USERS" --friends "$FRIENDS" >"$GRAPH.part" ||
      { rm -f "$GRAPH.part"; die "make_graph.py failed"; }
    mv "$GRAPH.part" "$GRAPH"
    GEN_NOTE[$USERS]="generated in $(elapsed "$t0" "$(now)") s ($(mib_b "$(stat -c %s "$GRAPH")") MiB)"
  fi
  echo "-- graph: ${GEN_NOTE[$USERS]}"

  # 2. Import into a fresh data directory, with the run's config (without the budget line).
  BASE="$TMP/size-$USERS"
  mkdir -p "$BASE"
  DB_EST=$((EDGES_WANT * 120))
  (($(free_bytes "$TMP") > DB_EST)) ||
    die "$TMP has $(mib_b "$(free_bytes "$TMP")") MiB free; the database needs about $(mib_b "$DB_EST") MiB"
  write_config "$BASE/import.toml" "$BASE/data" -
  echo "-- importing into $BASE/data (progress on stderr)"
  t0="$(now)"
  timeout "$IMPORT_TIMEOUT" "$BIN" import --data-dir "$BASE/data" --config "$BASE/import.toml" \
    --app bench "$GRAPH" >"$BASE/import.out" 2> >(tee "$BASE/import.err" >&2) ||
    { cat "$BASE/import.out" >&2; die "the import of $USERS users failed (see above)"; }
  IMP_WALL[$USERS]="$(elapsed "$t0" "$(now)")"
  SUMMARY="$(grep '^imported ' "$BASE/import.out")" || { cat "$BASE/import.out" >&2; die "no import summary"; }
  echo "-- $SUMMARY"
  IMP_SECS[$USERS]="$(sed -n 's/.* in \([0-9.]*\) s (.*/\1/p' <<<"$SUMMARY")"
  IMP_EDGES[$USERS]="$(sed -n 's/.*, \([0-9]*\) edges,.*/\1/p' <<<"$SUMMARY")"
  [[ "${IMP_EDGES[$USERS]}" == "$EDGES_WANT" ]] ||
    die "the import reports ${IMP_EDGES[$USERS]:-?} edges, want $EDGES_WANT"
  IMP_EPS[$USERS]="$(awk -v e="${IMP_EDGES[$USERS]}" -v s="${IMP_SECS[$USERS]}" \
    'BEGIN { printf "%.0f", (s > 0 ? e / s : 0) }')"
  IMP_DB[$USERS]="$(du -cb "$BASE/data"/friendgraph.db* | tail -1 | cut -f1)"
  if [[ -z "$CACHE_DIR" ]]; then rm -f "$GRAPH"; fi  # 2.5 GB at 1M users: kept only in a cache

  # 3. One server per budget, each on its own copy of the imported data directory.
  read -r -a BLIST <<<"${BUDGETS:--}"
  for ((bi = 0; bi < ${#BLIST[@]}; bi++)); do
    BUDGET="${BLIST[$bi]}"
    RUN="$USERS/$BUDGET"
    RUN_DIR="$BASE/budget-$BUDGET"
    mkdir -p "$RUN_DIR"
    if ((bi == ${#BLIST[@]} - 1)); then
      mv "$BASE/data" "$RUN_DIR/data"
    else
      cp -a "$BASE/data" "$RUN_DIR/data"
    fi
    write_config "$RUN_DIR/friendgraph.toml" "$RUN_DIR/data" "$BUDGET"
    echo "-- memory_budget_mb: $([[ $BUDGET == - ]] && echo none || echo "$BUDGET")"
    rc=0
    start_friendgraph "$RUN_DIR/friendgraph.toml" "$RUN_DIR/friendgraph" || rc=$?
    if ((rc == 2)); then
      RUN_NOTE[$RUN]="this binary does not know memory_budget_mb (config refused): skipped"
      echo "-- ${RUN_NOTE[$RUN]}"
      RUNS+=("$RUN")
      ((KEEP)) || rm -rf "$RUN_DIR/data"
      continue
    elif ((rc != 0)); then
      RUN_NOTE[$RUN]="the server did not start (see its stderr above)"
      echo "!! ${RUN_NOTE[$RUN]}"
      FAILED=1
      RUNS+=("$RUN")
      continue
    fi
    RUNS+=("$RUN")
    RSS0[$RUN]="$(rss_kib "$FG_PID" VmRSS)"
    echo "-- friendgraph pid $FG_PID at $FG_URL; RSS at start $(mib "${RSS0[$RUN]}") MiB"
    RUN_FAILED=0
    phase "$RUN" nginx "$NGINX_URL" static.lua "$NGINX_PID" "$USERS"
    ((RUN_FAILED)) || phase "$RUN" random "$FG_URL" friend_get_random.lua "$FG_PID" "$USERS" "$FRIENDS"
    if ((RUN_FAILED == 0 && WALK > 0)); then
      PHASE_SECS="$WALK" phase "$RUN" walk "$FG_URL" friend_get_walk.lua "$FG_PID" "$USERS" "$FRIENDS" "$THREADS"
      ((RUN_FAILED)) || phase "$RUN" warm "$FG_URL" friend_get_random.lua "$FG_PID" "$USERS" "$FRIENDS"
    fi
    if ((RUN_FAILED == 0)); then
      warm_up "$FG_URL" friend_get_random.lua $((DURATION < 3 ? DURATION : 3)) "$USERS" "$FRIENDS" "$HOT"
      phase "$RUN" hot "$FG_URL" friend_get_random.lua "$FG_PID" "$USERS" "$FRIENDS" "$HOT"
      ((RUN_FAILED)) || BESIDE="friend_get_random.lua $USERS $FRIENDS" \
        phase "$RUN" beside "$FG_URL" friend_get_random.lua "$FG_PID" "$USERS" "$FRIENDS" "$HOT"
    fi
    ((RUN_FAILED)) || phase "$RUN" write "$FG_URL" write_mix.lua "$FG_PID" "$USERS" "$FRIENDS" 0
    ((RUN_FAILED)) || phase "$RUN" rwrite "$FG_URL" write_mix.lua "$FG_PID" "$USERS" "$FRIENDS" \
      "$THREADS" random
    if ((RUN_FAILED)); then
      RUN_NOTE[$RUN]="the server died during the phases"
      echo "!! stderr of the server:"
      tail -20 "$RUN_DIR/friendgraph.err" >&2
      FG_PID=""
    else
      stop_pid "$FG_PID" TERM 30
      FG_PID=""
    fi
    grep -v '^[[:space:]]*$' "$RUN_DIR/friendgraph.err" | tail -5 | sed 's/^/-- server stderr: /' || true

    # The run's table, as soon as it is done.
    out ""
    out "### $(thousands "$USERS") users x $FRIENDS friends ($(thousands "$EDGES_WANT") edges)," \
      "memory_budget_mb $([[ $BUDGET == - ]] && echo none || echo "$BUDGET")"
    out ""
    out "- graph: ${GEN_NOTE[$USERS]}"
    out "- import: ${IMP_WALL[$USERS]} s wall, $(thousands "${IMP_EPS[$USERS]}") edges/s" \
      "(summary: ${IMP_SECS[$USERS]} s), database $(mib_b "${IMP_DB[$USERS]}") MiB"
    out "- friendgraph RSS at start: $(mib "${RSS0[$RUN]}") MiB"
    [[ -z "${RUN_NOTE[$RUN]:-}" ]] || out "- **${RUN_NOTE[$RUN]}**"
    out ""
    out "$TABLE_HEAD"
    out "$TABLE_RULE"
    for p in $PHASES; do out "$(row "$RUN" "$p")"; done
    if [[ -n "${BESIDE_LINE[$RUN:beside]:-}" ]]; then
      L="${BESIDE_LINE[$RUN:beside]}"
      out ""
      out "- beside: the random reads next to the hot set answered $(printf '%.0f' "$(field rps "$L")") req/s," \
        "p50 $(ms "$(field p50_us "$L")") ms, p99 $(ms "$(field p99_us "$L")") ms, max $(ms "$(field max_us "$L")") ms"
    fi
    ((KEEP)) || rm -rf "$RUN_DIR/data"
  done
done

# --- summary --------------------------------------------------------------------------------------
out ""
out "### Summary"
out ""
out "| users | edges | import wall s | edges/s | DB MiB | budget MiB | phase | req/s | vs nginx | p50 ms | p99 ms | wrong | VmRSS / VmHWM MiB |"
out "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"
for RUN in "${RUNS[@]}"; do
  U="${RUN%/*}"
  B="${RUN#*/}"
  [[ "$B" == - ]] && B=none
  if [[ -n "${RUN_NOTE[$RUN]:-}" && -z "${RPS[$RUN:nginx]:-}" ]]; then
    out "| $(thousands "$U") | $(thousands "${IMP_EDGES[$U]}") | ${IMP_WALL[$U]} | $(thousands "${IMP_EPS[$U]}") |" \
      "$(mib_b "${IMP_DB[$U]}") | $B | ${RUN_NOTE[$RUN]} | | | | | | |"
    continue
  fi
  for p in $PHASES; do
    k="$RUN:$p"
    if [[ -z "${RPS[$k]:-}" ]]; then
      out "| $(thousands "$U") | | | | | $B | $p | – | – | – | – | – | – |"
      continue
    fi
    out "| $(thousands "$U") | $(thousands "${IMP_EDGES[$U]}") | ${IMP_WALL[$U]} | $(thousands "${IMP_EPS[$U]}") |" \
      "$(mib_b "${IMP_DB[$U]}") | $B | $p | $(printf '%.0f' "${RPS[$k]}") |" \
      "$(awk -v a="${RPS[$k]}" -v b="${RPS[$RUN:nginx]}" 'BEGIN { printf "%.1f %%", 100 * a / b }') |" \
      "$(ms "${P50[$k]}") | $(ms "${P99[$k]}") | ${BAD[$k]} |" \
      "$(mib "${RSS[$k]}")${HWM[$k]:+ / $(mib "${HWM[$k]}")} |"
  done
done
out ""
out "vs nginx: req/s over the nginx phase of the same size and budget (nginx RSS: all its processes)."
out "CPU µs/req: the server's (or nginx's) CPU time per answered request; list-cache hits: the"
out "friend-list cache's hit ratio during the phase (/metrics); disk read: the server's read_bytes"
out "during the phase; wrong: non-200 statuses, wrong bodies, socket errors and timeouts; idle"
out "before / others: the machine's idle CPU in the second before the phase, and CPU used during it"
out "by anything but the server and wrk (100 % = one core). wrk and the servers share the CPUs."
echo
echo "scale.sh: results in $RESULTS"
exit "$FAILED"
