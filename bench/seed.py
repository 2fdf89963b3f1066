#!/usr/bin/env python3
"""Seeds a friendgraph server for the load benchmark through the NetEase API (stdlib only).

Creates USERS accounts u00000, u00001, ... and befriends each user i with users
i+1 .. i+FRIENDS/2 (mod USERS) with friend/add.action type=1, which makes both edges alive at
once: every user ends with exactly FRIENDS friends. Pairs further apart than FRIENDS/2 are never
friends; bench/write_mix.lua relies on that.

Requests go over keep-alive connections from several threads; every request is signed afresh.
Exits non-zero if any call does not answer HTTP 200 with {"code":200...}.

  seed.py --url http://127.0.0.1:PORT --app-key K --app-secret S [--users 2000] [--friends 50]
"""

import argparse
import hashlib
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


def signed_headers(app_key, app_secret):
    nonce = os.urandom(8).hex()
    cur_time = str(int(time.time()))
    checksum = hashlib.sha1((app_secret + nonce + cur_time).encode()).hexdigest()
    return {
        "AppKey": app_key,
        "Nonce": nonce,
        "CurTime": cur_time,
        "CheckSum": checksum,
        "Content-Type": "application/x-www-form-urlencoded;charset=utf-8",
    }


class Client:
    """One keep-alive connection."""

    def __init__(self, host, port, app_key, app_secret, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.app_key, self.app_secret = app_key, app_secret
        self.conn = None

    def call(self, path, params):
        body = urllib.parse.urlencode(params)
        for attempt in range(2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body, signed_headers(self.app_key, self.app_secret))
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def account(i):
    return "u%05d" % i


def run_parallel(jobs, threads, make_client, label):
    """Runs (path, params) jobs over `threads` connections; returns (seconds, failures)."""
    lock = threading.Lock()
    failures = []
    next_index = [0]
    chunk = 64

    def worker():
        client = make_client()
        while True:
            with lock:
                start = next_index[0]
                next_index[0] += chunk
            if start >= len(jobs):
                return
            for path, params in jobs[start:start + chunk]:
                try:
                    status, data = client.call(path, params)
                except Exception as e:  # noqa: BLE001 - reported below
                    status, data = 0, repr(e).encode()
                if status != 200 or not data.startswith(b'{"code":200'):
                    with lock:
                        failures.append((path, params, status, data[:200]))

    started = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.monotonic() - started
    print("seed: %-12s %6d calls in %6.2f s (%7.0f calls/s), %d failed"
          % (label, len(jobs), took, len(jobs) / took if took else 0, len(failures)), flush=True)
    for f in failures[:5]:
        print("seed:   failed:", f, file=sys.stderr)
    return took, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--app-key", required=True)
    ap.add_argument("--app-secret", required=True)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--friends", type=int, default=50, help="even; friends per user")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    args = ap.parse_args()
    if args.friends % 2 or args.friends >= args.users:
        ap.error("--friends must be even and smaller than --users")

    url = urllib.parse.urlsplit(args.url)
    make_client = lambda: Client(url.hostname, url.port, args.app_key, args.app_secret, args.timeout)

    half = args.friends // 2
    users = [("/nimserver/user/create.action", {"accid": account(i), "name": "user %d" % i})
             for i in range(args.users)]
    adds = [("/nimserver/friend/add.action",
             {"accid": account(i), "faccid": account((i + k) % args.users), "type": "1"})
            for k in range(1, half + 1) for i in range(args.users)]

    t_users, f_users = run_parallel(users, args.threads, make_client, "user/create")
    if f_users:
        return 1
    t_adds, f_adds = run_parallel(adds, args.threads, make_client, "friend/add")
    if f_adds:
        return 1

    # Spot-check: a few users must list exactly --friends friends.
    client = make_client()
    for i in (0, args.users // 2, args.users - 1):
        status, data = client.call("/nimserver/friend/get.action",
                                   {"accid": account(i), "updatetime": "0"})
        size = json.loads(data).get("size") if status == 200 else None
        if size != args.friends:
            print("seed: %s lists %r friends, want %d: %s"
                  % (account(i), size, args.friends, data[:200]), file=sys.stderr)
            return 1

    total = t_users + t_adds
    calls = len(users) + len(adds)
    print("seed: done: %d users, %d friend/add calls (%d edges) in %.2f s, %.0f durable writes/s"
          % (args.users, len(adds), 2 * len(adds), total, calls / total), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
