#!/usr/bin/env bash
# Load benchmark of a built friendgraph binary over loopback, with nginx as the ceiling.
#
#   bench/run.sh [BINARY] [--duration SECONDS] [--rounds N] [--threads N] [--connections N]
#                [--users N] [--friends N] [--seed-threads N] [--wait-idle SECONDS] [--keep]
#
# BINARY defaults to build/friendgraph (this script builds nothing). Needs wrk, nginx and
# python3 on PATH. Everything listens on 127.0.0.1 only, in a fresh temporary directory that is
# removed at exit (--keep leaves it, with the logs and wrk outputs, for inspection).
#
# Phases, each `wrk --latency` for a fixed duration with the same threads and connections, run
# --rounds times (default 1; nginx and get alternate, then the write rounds) against the same
# servers; the summary shows each phase's median round and the range over the rounds:
#   1. nginx   `return 200 "ok"` answering the same signed POST a friend/get sends (the ceiling)
#   2. get     friend/get.action, full 50-friend list (updatetime=0), rotating over all users
#   3. contacts Easemob GET /{org}/{app}/user/{u}/contacts?limit=50 on the same users and lists
#              (the app's second dialect), with one app token fetched before the phases;
#              skipped, with a note, when the binary has no Easemob dialect
#   4. ytx     Yuntongxun POST /2013-12-26/Application/{appId}/IM/getFriends, the whole list
#              (isAllPage 1), same users and lists (the app's third dialect), one signature per
#              phase; skipped, with a note, when the binary has no Yuntongxun dialect
#   5. st_all  SealTalk GET /friendship/all (the app's fourth dialect) with the login cookie of
#              one of the first min(400, USERS) seeded users, rotating; bench/sealtalk_login.py
#              gives them a phone and a password and logs them in after seeding (SMS code fixed
#              by dev_verification_code); skipped, with st_invite, without a SealTalk dialect
#   6. write   friend/add.action type=1 and friend/delete.action alternating on unseeded pairs
#   7. st_invite SealTalk invite, agree, delete, delete back on unseeded pairs of those users,
#              each step sent once the previous one is answered; one wrk thread per connection
#              (wrk does not tell a script which connection answered)
#   8. import  Yuntongxun importFriends (bench/import_friends.py): batches of 1000 pairs making a
#              fresh graph of 20,000 accounts x 20 friends, 4 keep-alive connections, friendships/s
# Every response's status and body are checked (the wrk Lua scripts, import_friends.py); any
# wrong one, and any socket error or timeout, is reported and makes the script exit 1. Other work
# on the machine skews every figure: each phase reports how idle the CPUs were just before it,
# and --wait-idle waits (up to SECONDS per phase) for them to be at least 90 % idle first.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

BIN="$REPO/build/friendgraph"
DURATION=10
ROUNDS=1
THREADS=2
CONNECTIONS=32
USERS=2000
FRIENDS=50
SEED_THREADS=8
KEEP=0
WAIT_IDLE=0

while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --friends) FRIENDS="$2"; shift 2 ;;
    --seed-threads) SEED_THREADS="$2"; shift 2 ;;
    --wait-idle) WAIT_IDLE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
for n in "$DURATION" "$ROUNDS" "$THREADS" "$CONNECTIONS" "$USERS" "$FRIENDS" "$SEED_THREADS" "$WAIT_IDLE"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"
done
((DURATION > 0 && DURATION <= 120)) ||
  die "--duration must be 1..120 seconds (a signature is valid for 5 minutes)"
((ROUNDS > 0 && ROUNDS <= 20)) || die "--rounds must be 1..20"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/fg-bench.XXXXXX")"
FG_PID=""
NGINX_PID=""


cleanup() {
  stop_pid "$NGINX_PID" QUIT
  stop_pid "$FG_PID" TERM
  if ((KEEP)); then echo "run.sh: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# Prints "AppKey Nonce CurTime CheckSum", fresh; valid for 5 minutes.


echo "== machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))," \
  "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "== binary: $BIN"
echo "== wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per phase; graph: $USERS users x $FRIENDS friends"

# --- friendgraph -------------------------------------------------------------------------------
APP_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
APP_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
EM_ORG=bench
EM_APP=bench
EM_ID="YXA6$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
EM_SECRET="YXA6$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
EASEMOB=1
YTX_ID="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
YTX_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
YUNTONGXUN=1
SEALTALK=1
ST_CODES_PER_ADDRESS=1  # the binary knows codes_per_address (its default would stop the logins)
ST_IDS="$TMP/sealtalk-ids.txt"  # sealtalk_login.py's `index id cookie` lines
write_config() {
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
# wrk sends one signature over and over: the load test is a replay by design.
reject_replayed_nonce = false
EOF
  if ((SEALTALK)); then
    cat >>"$TMP/friendgraph.toml" <<EOF
# The same app through SealTalk: the seeded users log in (every SMS code is 123456) and read and
# write the same lists behind their login cookies.
[apps.sealtalk]
dev_verification_code = "123456"
rate_limit_per_second = 0
EOF
    ((ST_CODES_PER_ADDRESS == 0)) || cat >>"$TMP/friendgraph.toml" <<EOF
# Every SMS code of the run is asked for from 127.0.0.1: no per-address bound (default 20).
codes_per_address = 0
EOF
  fi
  ((EASEMOB)) || return 0
  cat >>"$TMP/friendgraph.toml" <<EOF
# The same app through Easemob: the seeded users and friendships, seen through a second dialect.
[apps.easemob]
org_name = "$EM_ORG"
app_name = "$EM_APP"
client_id = "$EM_ID"
client_secret = "$EM_SECRET"
rate_limit_per_second = 0
EOF
  ((YUNTONGXUN)) || return 0
  cat >>"$TMP/friendgraph.toml" <<EOF
# And through Yuntongxun: getFriends reads the same lists; importFriends moves a graph in.
[apps.yuntongxun]
app_id = "$YTX_ID"
app_token = "$YTX_TOKEN"
rate_limit_per_second = 0
EOF
}
start_friendgraph() {
  write_config
  : >"$TMP/friendgraph.out"  # made here: the server's own redirect may come after the first sed
  "$BIN" serve --config "$TMP/friendgraph.toml" >"$TMP/friendgraph.out" 2>"$TMP/friendgraph.err" &
  FG_PID=$!
  FG_URL=""
  for _ in $(seq 150); do
    FG_URL="$(sed -n 's/^friendgraph listening on \(http:[^ ]*\)$/\1/p' "$TMP/friendgraph.out")"
    [[ -n "$FG_URL" ]] && return 0
    if ! kill -0 "$FG_PID" 2>/dev/null; then
      wait "$FG_PID" 2>/dev/null || true
      if ((EASEMOB)) && grep -q "unknown key 'apps\[0\]\.easemob'" "$TMP/friendgraph.err"; then
        echo "== this binary has no Easemob dialect: the contacts phase is skipped"
        EASEMOB=0
        start_friendgraph
        return 0
      fi
      if ((YUNTONGXUN)) && grep -q "unknown key 'apps\[0\]\.yuntongxun'" "$TMP/friendgraph.err"; then
        echo "== this binary has no Yuntongxun dialect: the ytx and import phases are skipped"
        YUNTONGXUN=0
        start_friendgraph
        return 0
      fi
      if ((ST_CODES_PER_ADDRESS)) &&
        grep -q "unknown key 'apps\[0\]\.sealtalk\.codes_per_address'" "$TMP/friendgraph.err"; then
        ST_CODES_PER_ADDRESS=0  # an older binary, without that bound
        start_friendgraph
        return 0
      fi
      if ((SEALTALK)) && grep -q "unknown key 'apps\[0\]\.sealtalk'" "$TMP/friendgraph.err"; then
        echo "== this binary has no SealTalk dialect: the st_all and st_invite phases are skipped"
        SEALTALK=0
        start_friendgraph
        return 0
      fi
      cat "$TMP/friendgraph.err" >&2
      die "friendgraph exited"
    fi
    sleep 0.1
  done
  die "friendgraph did not start listening within 15 s"
}
start_friendgraph
echo "== friendgraph pid $FG_PID at $FG_URL, data in $TMP/data (SQLite WAL, synchronous=FULL)"
RSS_IDLE="$(rss_kib "$FG_PID" VmRSS)"

# --- seed ----------------------------------------------------------------------------------------
timeout 900 python3 "$BENCH/seed.py" --url "$FG_URL" --app-key "$APP_KEY" --app-secret "$APP_SECRET" \
  --users "$USERS" --friends "$FRIENDS" --threads "$SEED_THREADS" | tee "$TMP/seed.out" ||
  die "seeding failed"
SEED_LINE="$(grep '^seed: done' "$TMP/seed.out")"

# One Easemob app token for the whole run (an SDK fetches it once and caches it), and a check
# that a seeded list reads the same through Easemob.
EM_TOKEN=""
if ((EASEMOB)); then
  EM_TOKEN="$(curl -s --noproxy "*" --max-time 10 -X POST -H 'Content-Type: application/json' \
    -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$EM_ID\",\"client_secret\":\"$EM_SECRET\"}" \
    "$FG_URL/$EM_ORG/$EM_APP/token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')" ||
    die "no Easemob app token"
  EM_COUNT="$(curl -s --noproxy "*" --max-time 10 -H "Authorization: Bearer $EM_TOKEN" \
    "$FG_URL/$EM_ORG/$EM_APP/user/u00000/contacts?limit=50" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])')" ||
    die "the Easemob contacts call failed"
  ((EM_COUNT == (FRIENDS < 50 ? FRIENDS : 50))) ||
    die "u00000 has $EM_COUNT contacts through Easemob, want $FRIENDS"
fi
easemob_args() { echo "$EM_TOKEN $EM_ORG $EM_APP -"; }  # the contacts phase's first four args

# Prints "Authorization sig appId -", signed now (valid 24 h): the ytx phase's first four args.
ytx_args() {
  python3 - "$YTX_ID" "$YTX_TOKEN" <<'EOF'
import base64, datetime, hashlib, sys
app_id, token = sys.argv[1:3]
ts = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d%H%M%S")
print(base64.b64encode(f"{app_id}:{ts}".encode()).decode(),
      hashlib.md5((app_id + token + ts).encode()).hexdigest().upper(), app_id, "-")
EOF
}
if ((YUNTONGXUN)); then
  read -r YTX_AUTH YTX_SIG _ _ <<<"$(ytx_args)"
  YTX_COUNT="$(curl -s --noproxy "*" --max-time 10 -H 'Content-Type: application/json;charset=utf-8' \
    -H "Authorization: $YTX_AUTH" -d "{\"useracc\":\"$YTX_ID#u00000\",\"isAllPage\":1}" \
    "$FG_URL/2013-12-26/Application/$YTX_ID/IM/getFriends?sig=$YTX_SIG" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["friendsList"]))')" ||
    die "the Yuntongxun getFriends call failed"
  ((YTX_COUNT == FRIENDS)) || die "u00000 has $YTX_COUNT friends through Yuntongxun, want $FRIENDS"
fi
RSS_SEED="$(rss_kib "$FG_PID" VmRSS)"

# SealTalk: its calls run as a logged-in user. Give the first ST_USERS seeded users a phone and a
# password and log them in (two argon2id hashes each), keeping each one's id and login cookie;
# then check that a seeded list reads the same through SealTalk.
ST_USERS=$((USERS < 400 ? USERS : 400))
ST_LINE=""
RSS_LOGIN=""
if ((SEALTALK)); then
  timeout 900 python3 "$BENCH/sealtalk_login.py" --url "$FG_URL" --app-key "$APP_KEY" \
    --app-secret "$APP_SECRET" --users "$ST_USERS" --threads "$SEED_THREADS" --out "$ST_IDS" |
    tee "$TMP/sealtalk-login.out" || die "the SealTalk logins failed"
  ST_LINE="$(grep '^sealtalk_login: done' "$TMP/sealtalk-login.out")"
  ST_COUNT="$(curl -s --noproxy "*" --max-time 10 \
    -H "Cookie: rong_auth_cookie=$(awk 'NR == 1 { print $3 }' "$ST_IDS")" "$FG_URL/friendship/all" |
    python3 -c 'import json, sys; print(sum(r["status"] == 20 for r in json.load(sys.stdin)["result"]))')" ||
    die "the SealTalk /friendship/all call failed"
  ((ST_COUNT == FRIENDS)) || die "u00000 has $ST_COUNT friends through SealTalk, want $FRIENDS"
  RSS_LOGIN="$(rss_kib "$FG_PID" VmRSS)"
fi
st_args() { echo "$ST_IDS - - -"; }  # the SealTalk phases' first four args

# --- nginx ---------------------------------------------------------------------------------------
start_nginx
echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $NGINX_PID at $NGINX_URL (2 workers)"

# --- load ----------------------------------------------------------------------------------------
declare -A RPS P50 P99 MAX BAD RSS HWM CPU CPUREQ IDLE OTHERS
HZ="$(getconf CLK_TCK)"
FAILED=0
BUSY=0

phase() {  # phase NAME ROUND URL SCRIPT PID [ARGS [THREADS]]: ARGS prints the script's first
  # 4 args; THREADS (default --threads) is this phase's wrk threads, which also spaces the offset
  local name="$1" round="$2" url="$3" script="$4" pid="$5" args_fn="${6:-sign}" threads="${7:-$THREADS}"
  local k="$1#$2" out="$TMP/wrk-$1-$2.txt" line cpu0 cpu1 sig stat0 stat1 wrk_ticks waited=1
  # Other work on the machine skews every figure: say how idle it was just before.
  IDLE[$k]="$(idle_pct)"
  while ((IDLE[$k] < 90 && waited < WAIT_IDLE)); do
    IDLE[$k]="$(idle_pct)"
    waited=$((waited + 1))
  done
  ((IDLE[$k] >= 90)) || BUSY=1
  sig="$("$args_fn")"
  stat0="$(busy_ticks)"
  cpu0="$(cpu_ticks "$pid")"
  # The subshell's `times` gives wrk's own CPU time: what is left is other work on the machine.
  # shellcheck disable=SC2086  # $sig is four words, passed as four script arguments
  (FG_BENCH_DIR="$BENCH" timeout $((DURATION + 60)) \
    wrk -t "$threads" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 2s --latency \
    -s "$BENCH/$script" "$url" -- $sig "$USERS" "$FRIENDS" "$(((round - 1) * threads))" >"$out" 2>&1 &&
    times >"$out.times") || { cat "$out" >&2; die "wrk failed in phase $name"; }
  cpu1="$(cpu_ticks "$pid")"
  stat1="$(busy_ticks)"
  kill -0 "$pid" 2>/dev/null || die "the server (pid $pid) died during phase $name"
  wrk_ticks="$(sed -n 2p "$out.times" | awk -v hz="$HZ" '
    function sec(t) { split(t, p, "m"); return p[1] * 60 + p[2] }  # "0m1.234s"
    { printf "%.0f", (sec($1) + sec($2)) * hz }')"
  OTHERS[$k]="$(awk -v t=$((stat1 - stat0 - (cpu1 - cpu0) - wrk_ticks)) -v hz="$HZ" \
    -v d="$DURATION" 'BEGIN { v = 100 * t / hz / d; printf "%.0f", v < 0 ? 0 : v }')"
  ((OTHERS[$k] <= 10)) || BUSY=1
  line="$(grep '^BENCH ' "$out")" || { cat "$out" >&2; die "no BENCH line in phase $name"; }
  RPS[$k]="$(field rps "$line")"
  P50[$k]="$(field p50_us "$line")"
  P99[$k]="$(field p99_us "$line")"
  MAX[$k]="$(field max_us "$line")"
  BAD[$k]=$(($(field bad_status "$line") + $(field bad_body "$line") + $(field socket_errors "$line")))
  if (($(field checked "$line") < $(field requests "$line"))); then
    BAD[$k]=$((BAD[$k] + $(field requests "$line") - $(field checked "$line")))
  fi
  ((BAD[$k] == 0)) || { FAILED=1; echo "!! $name: ${BAD[$k]} wrong answers or socket errors: $line"; }
  CPU[$k]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v d="$DURATION" \
    'BEGIN { printf "%.0f", 100 * t / hz / d }')"
  CPUREQ[$k]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="$(field requests "$line")" \
    'BEGIN { printf "%.0f", n ? 1e6 * t / hz / n : 0 }')"
  printf -- '-- round %s %-9s %7.0f req/s  p50 %5s ms  p99 %5s ms  %4s µs CPU/req  wrong %s' \
    "$round" "$name" "${RPS[$k]}" "$(ms "${P50[$k]}")" "$(ms "${P99[$k]}")" "${CPUREQ[$k]}" "${BAD[$k]}"
  echo "  (machine ${IDLE[$k]} % idle before, others ${OTHERS[$k]} %)"
  grep '^BENCH_FIRST_BAD' "$out" || true
  if [[ "$pid" == "$FG_PID" ]]; then
    RSS[$k]="$(rss_kib "$pid" VmRSS)"
    HWM[$k]="$(rss_kib "$pid" VmHWM)"
  else
    RSS[$k]="$(tree_rss_kib "$pid")"
    HWM[$k]=""
  fi
}

# Reads first, on the seeded graph only: each write round leaves a few more edges per user.
for round in $(seq "$ROUNDS"); do
  phase nginx "$round" "$NGINX_URL" static.lua "$NGINX_PID"
  phase get "$round" "$FG_URL" friend_get.lua "$FG_PID"
  if ((EASEMOB)); then
    phase contacts "$round" "$FG_URL" easemob_contacts.lua "$FG_PID" easemob_args
  fi
  if ((YUNTONGXUN)); then
    phase ytx "$round" "$FG_URL" yuntongxun_get_friends.lua "$FG_PID" ytx_args
  fi
  if ((SEALTALK)); then
    phase st_all "$round" "$FG_URL" sealtalk_all.lua "$FG_PID" st_args
  fi
done
for round in $(seq "$ROUNDS"); do
  phase write "$round" "$FG_URL" write_mix.lua "$FG_PID"
  if ((SEALTALK)); then
    # One connection per wrk thread: each answer is then known to be its thread's last request.
    phase st_invite "$round" "$FG_URL" sealtalk_invite.lua "$FG_PID" st_args "$CONNECTIONS"
  fi
done

# importFriends: a fresh graph per round (accounts i<round>x000000…), batches of 1000 pairs over
# 4 keep-alive connections, at most 3 phase durations each.
declare -A IMPORT IMPORT_CPU IMPORT_CPUPAIR
import_phase() {  # import_phase ROUND
  local round="$1" out="$TMP/import-$1.txt" line cpu0 cpu1 secs waited=1 k="import#$1"
  IDLE[$k]="$(idle_pct)"
  while ((IDLE[$k] < 90 && waited < WAIT_IDLE)); do
    IDLE[$k]="$(idle_pct)"
    waited=$((waited + 1))
  done
  ((IDLE[$k] >= 90)) || BUSY=1
  cpu0="$(cpu_ticks "$FG_PID")"
  timeout $((3 * DURATION + 120)) python3 "$BENCH/import_friends.py" --url "$FG_URL" \
    --app-id "$YTX_ID" --app-token "$YTX_TOKEN" --prefix "i${round}x" \
    --max-seconds $((3 * DURATION)) >"$out" 2>&1 || { FAILED=1; cat "$out" >&2; }
  cpu1="$(cpu_ticks "$FG_PID")"
  line="$(grep '^IMPORT ' "$out")" || die "no IMPORT line in import round $round"
  IMPORT[$k]="$(field friendships_per_s "$line")"
  secs="$(field seconds "$line")"
  IMPORT_CPU[$k]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v s="$secs" \
    'BEGIN { printf "%.0f", (s > 0 ? 100 * t / hz / s : 0) }')"
  IMPORT_CPUPAIR[$k]="$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="$(field pairs "$line")" \
    'BEGIN { printf "%.1f", n ? 1e6 * t / hz / n : 0 }')"
  BAD[$k]="$(field failed "$line")"
  RSS[$k]="$(rss_kib "$FG_PID" VmRSS)"
  printf -- '-- round %s import    %7.0f friendships/s  %s pairs in %s s  server CPU %s %%  %s µs CPU/pair  wrong %s' \
    "$round" "${IMPORT[$k]}" "$(field pairs "$line")" "$secs" "${IMPORT_CPU[$k]}" \
    "${IMPORT_CPUPAIR[$k]}" "${BAD[$k]}"
  echo "  (machine ${IDLE[$k]} % idle before)"
}
if ((YUNTONGXUN)); then
  for round in $(seq "$ROUNDS"); do import_phase "$round"; done
fi

# --- summary -------------------------------------------------------------------------------------
median_key() {  # median_key NAME: NAME#ROUND of the round with the median req/s
  local r
  for r in $(seq "$ROUNDS"); do echo "${RPS[$1#$r]} $1#$r"; done |
    sort -g | sed -n "$(((ROUNDS + 1) / 2))p" | cut -d' ' -f2
}
rps_range() {  # rps_range NAME: "min–max" req/s over the rounds
  local r
  for r in $(seq "$ROUNDS"); do echo "${RPS[$1#$r]}"; done |
    sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f", lo, hi }'
}
ratio() {  # ratio NAME#ROUND: its req/s over the median nginx round's
  awk -v a="${RPS[$1]}" -v b="${RPS[$(median_key nginx)]}" 'BEGIN { printf "%.1f %%", 100 * a / b }'
}
row() {  # row LABEL NAME
  local k hwm
  k="$(median_key "$2")"
  hwm="${HWM[$k]:+ / $(mib "${HWM[$k]}")}"
  printf '| %-37s | %7.0f | %6s | %6s | %6s | %7s | %4s %% | %5s | %-11s | %5s | %3s %% / %3s %% |' \
    "$1" "${RPS[$k]}" "$(ms "${P50[$k]}")" "$(ms "${P99[$k]}")" "$(ms "${MAX[$k]}")" \
    "$(ratio "$k")" "${CPU[$k]}" "${CPUREQ[$k]}" "$(mib "${RSS[$k]}")$hwm" "${BAD[$k]}" \
    "${IDLE[$k]}" "${OTHERS[$k]}"
  if ((ROUNDS > 1)); then printf ' %s |' "$(rps_range "$2")"; fi
  echo
}
TOTAL_BAD=0
for k in "${!BAD[@]}"; do TOTAL_BAD=$((TOTAL_BAD + BAD[$k])); done
echo
echo "$SEED_LINE"
[[ -z "$ST_LINE" ]] || echo "$ST_LINE"
echo "friendgraph RSS: $(mib "$RSS_IDLE") MiB at start, $(mib "$RSS_SEED") MiB after seeding," \
  "${RSS_LOGIN:+$(mib "$RSS_LOGIN") MiB after the SealTalk logins, }peak" \
  "$(mib "$(rss_kib "$FG_PID" VmHWM)") MiB"
echo
HEADER="| phase: $THREADS wrk threads, $CONNECTIONS connections, $DURATION s"
HEADER+="$( ((ROUNDS == 1)) || echo ", median of $ROUNDS rounds") | req/s | p50 ms | p99 ms | max ms"
HEADER+=" | vs nginx | server CPU | CPU µs/req | RSS MiB (after / peak) | wrong | idle before / others |"
RULE="|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
if ((ROUNDS > 1)); then HEADER+=" req/s range |"; RULE+="---:|"; fi
echo "$HEADER"
echo "$RULE"
row 'nginx `return 200` (ceiling)' nginx
row "friend/get, $FRIENDS friends, updatetime=0" get
((EASEMOB == 0)) || row "Easemob contacts?limit=50, $FRIENDS friends" contacts
((YUNTONGXUN == 0)) || row "Yuntongxun getFriends, $FRIENDS friends" ytx
((SEALTALK == 0)) || row "SealTalk /friendship/all, $FRIENDS friends" st_all
row 'friend/add type=1 + friend/delete' write
((SEALTALK == 0)) || row 'SealTalk invite+agree+delete×2' st_invite
echo
if ((YUNTONGXUN)); then
  IMPORT_MEDIAN="$(for r in $(seq "$ROUNDS"); do echo "${IMPORT[import#$r]} import#$r"; done |
    sort -g | sed -n "$(((ROUNDS + 1) / 2))p" | cut -d' ' -f2)"
  echo "Yuntongxun importFriends (1000 pairs a call, 4 connections, a fresh 20,000 x 20 graph per round):"
  echo "  median ${IMPORT[$IMPORT_MEDIAN]} friendships/s (rounds:$(for r in $(seq "$ROUNDS"); do
    printf ' %s' "${IMPORT[import#$r]}"; done)), server CPU ${IMPORT_CPU[$IMPORT_MEDIAN]} %," \
    "${IMPORT_CPUPAIR[$IMPORT_MEDIAN]} µs CPU/friendship, RSS after $(mib "${RSS[$IMPORT_MEDIAN]}") MiB"
  echo
fi
echo "vs nginx: req/s over the (median) nginx phase's; server CPU: CPU time of the server"
echo "process(es) / wall time (200 % = both cores); CPU µs/req: that CPU time per answered request;"
echo "wrong: non-200 statuses, bodies other than the expected {\"code\":200...}, socket errors and"
echo "timeouts; idle before: share of the machine's CPUs idle in the second before the phase;"
echo "others: CPU used during the phase by anything but the server and wrk (100 % = one core; in"
echo "write phases it includes the kernel threads that carry out the fsyncs). wrk and the servers"
echo "share the same CPUs."
if ((SEALTALK)); then
  echo "SealTalk invite+agree+delete×2: $CONNECTIONS wrk threads of one connection each (a step is"
  echo "sent once the previous one is answered); req/s counts each of a cycle's 4 requests."
fi
((BUSY == 0)) || echo "WARNING: the machine was busy with other work; these figures understate the server."
echo

verdict() { if awk "BEGIN { exit !($2) }"; then echo "met     $1"; else echo "MISSED  $1"; fi; }
GET="$(median_key get)"
WRITE="$(median_key write)"
echo "targets:"
verdict "friend/get >= 20 % of nginx req/s ($(ratio "$GET"))" \
  "${RPS[$GET]} >= 0.2 * ${RPS[$(median_key nginx)]}"
verdict "friend/get p99 < 5 ms ($(ms "${P99[$GET]}") ms)" "${P99[$GET]} < 5000"
if ((EASEMOB)); then
  CONTACTS="$(median_key contacts)"
  verdict "Easemob contacts >= 30 % of nginx req/s ($(ratio "$CONTACTS"))" \
    "${RPS[$CONTACTS]} >= 0.3 * ${RPS[$(median_key nginx)]}"
  verdict "Easemob contacts p99 < 5 ms ($(ms "${P99[$CONTACTS]}") ms)" "${P99[$CONTACTS]} < 5000"
fi
if ((YUNTONGXUN)); then
  YTX="$(median_key ytx)"
  verdict "Yuntongxun getFriends >= 30 % of nginx req/s ($(ratio "$YTX"))" \
    "${RPS[$YTX]} >= 0.3 * ${RPS[$(median_key nginx)]}"
  verdict "Yuntongxun getFriends p99 < 5 ms ($(ms "${P99[$YTX]}") ms)" "${P99[$YTX]} < 5000"
  verdict "Yuntongxun importFriends >= 50000 friendships/s (${IMPORT[$IMPORT_MEDIAN]}/s)" \
    "${IMPORT[$IMPORT_MEDIAN]} >= 50000"
fi
if ((SEALTALK)); then
  ST_ALL="$(median_key st_all)"
  verdict "SealTalk /friendship/all >= 30 % of nginx req/s ($(ratio "$ST_ALL"))" \
    "${RPS[$ST_ALL]} >= 0.3 * ${RPS[$(median_key nginx)]}"
  verdict "SealTalk /friendship/all p99 < 5 ms ($(ms "${P99[$ST_ALL]}") ms)" "${P99[$ST_ALL]} < 5000"
fi
verdict "durable writes >= 5000/s ($(printf '%.0f' "${RPS[$WRITE]}")/s)" "${RPS[$WRITE]} >= 5000"
verdict "friendgraph peak RSS < 100 MiB ($(mib "$(rss_kib "$FG_PID" VmHWM)") MiB)" \
  "$(rss_kib "$FG_PID" VmHWM) < 102400"
verdict "no wrong answers ($TOTAL_BAD)" "$TOTAL_BAD == 0"
exit "$FAILED"
