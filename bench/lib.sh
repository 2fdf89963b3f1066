# shellcheck shell=bash
# Shell functions shared by bench/run.sh and bench/scale.sh. Sourced, not run: the caller defines
# die() and TMP (its temporary directory) first.

stop_pid() {  # stop_pid PID SIGNAL [SECONDS]: signal, wait up to SECONDS (5), then SIGKILL
  local pid="$1" sig="$2" secs="${3:-5}"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq $((secs * 10))); do  # gone, or exited and waiting to be reaped
    [[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" =~ ^Z?$ ]] && break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

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

idle_pct() {  # share of all CPUs idle over the next second, from /proc/stat
  local a b
  read -r -a a </proc/stat; sleep 1; read -r -a b </proc/stat
  awk -v i=$((b[4] + b[5] - a[4] - a[5])) \
    -v t=$((b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[4] - a[5] - a[6] - a[7] - a[8])) \
    'BEGIN { printf "%.0f", t ? 100 * i / t : 0 }'
}

busy_ticks() {  # non-idle CPU time of the whole machine so far, in clock ticks
  local a
  read -r -a a </proc/stat
  echo $((a[1] + a[2] + a[3] + a[6] + a[7] + a[8]))
}

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2"; }  # field KEY "BENCH ..."
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# start_nginx: nginx answering `return 200 "ok"` on a free loopback port, configured in $TMP/nginx;
# sets NGINX_PID and NGINX_URL, dies if it does not answer within 10 s.
start_nginx() {
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
    [[ "$(curl -s --noproxy "*" --max-time 1 "$NGINX_URL/" || true)" == ok ]] && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/logs/error.log" >&2; die "nginx exited"; }
    sleep 0.1
  done
  [[ "$(curl -s --noproxy "*" --max-time 1 "$NGINX_URL/")" == ok ]] || die "nginx did not answer within 10 s"
}
