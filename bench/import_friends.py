#!/usr/bin/env python3
"""Measures Yuntongxun importFriends: friendships made per second (stdlib only).

Moves a fresh graph in the way a migration would: USERS accounts named PREFIX000000, … that do
not exist yet (importFriends creates them), each befriended with the next FRIENDS/2 accounts
(mod USERS), so every account ends with FRIENDS friends and the graph has USERS * FRIENDS / 2
friendships. The pairs go in batches of BATCH (at most 1000, the call's limit), ordered so that
the first USERS / BATCH batches create every account and the rest only befriend. CONNECTIONS
threads each post batches over one keep-alive connection, so the server always has the next
batch waiting while it commits one.

Every answer must be HTTP 200 with {"statusCode":"000000"…}. It stops after --max-seconds even
if pairs are left (the rate is then over the batches answered). It then checks that three
accounts list FRIENDS friends through getFriends, when every batch went in, and prints one line:

  IMPORT pairs=… batches=… seconds=… friendships_per_s=… failed=…

  import_friends.py --url http://127.0.0.1:PORT --app-id ID --app-token TOKEN --prefix r1x
"""

import argparse
import base64
import datetime
import hashlib
import http.client
import json
import sys
import threading
import time
import urllib.parse

CHINA = datetime.timezone(datetime.timedelta(hours=8))


class Client:
    """One keep-alive connection that signs every call afresh, as the vendor's SDKs do."""

    def __init__(self, url, app_id, app_token, timeout):
        self.host, self.port = url.hostname, url.port
        self.app_id, self.app_token, self.timeout = app_id, app_token, timeout
        self.conn = None

    def call(self, op, body):
        ts = datetime.datetime.now(CHINA).strftime("%Y%m%d%H%M%S")
        sig = hashlib.md5((self.app_id + self.app_token + ts).encode()).hexdigest().upper()
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json;charset=utf-8",
            "Authorization": base64.b64encode(("%s:%s" % (self.app_id, ts)).encode()).decode(),
        }
        path = "/2013-12-26/Application/%s/IM/%s?sig=%s" % (self.app_id, op, sig)
        for attempt in range(2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body, headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--app-token", required=True)
    ap.add_argument("--prefix", required=True, help="account prefix, fresh for each run")
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--friends", type=int, default=20, help="even; friends per account")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--max-seconds", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    args = ap.parse_args()
    if args.friends % 2 or args.friends >= args.users or not 1 <= args.batch <= 1000:
        ap.error("--friends must be even and below --users; --batch 1..1000")

    url = urllib.parse.urlsplit(args.url)
    acc = lambda i: "%s#%s%06d" % (args.app_id, args.prefix, i % args.users)
    pairs = [(i, i + k) for k in range(1, args.friends // 2 + 1) for i in range(args.users)]
    # The bodies are built before the clock starts: the figure is the server's, not Python's.
    bodies = []
    for start in range(0, len(pairs), args.batch):
        chunk = pairs[start:start + args.batch]
        bodies.append((len(chunk), json.dumps(
            {"friendsList": [{"useracc": acc(a), "friendUseracc": acc(b)} for a, b in chunk]},
            separators=(",", ":")).encode()))

    lock = threading.Lock()
    next_batch = [0]
    done = {"pairs": 0, "batches": 0}
    failures = []
    started = time.monotonic()
    deadline = started + args.max_seconds

    def worker():
        client = Client(url, args.app_id, args.app_token, args.timeout)
        while True:
            with lock:
                i = next_batch[0]
                next_batch[0] += 1
            if i >= len(bodies) or time.monotonic() >= deadline:
                return
            n, body = bodies[i]
            try:
                status, data = client.call("importFriends", body)
            except Exception as e:  # noqa: BLE001 - reported below
                status, data = 0, repr(e).encode()
            with lock:
                if status == 200 and data.startswith(b'{"statusCode":"000000"'):
                    done["pairs"] += n
                    done["batches"] += 1
                else:
                    failures.append((i, status, data[:200]))

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.monotonic() - started
    for f in failures[:5]:
        print("import: failed batch:", f, file=sys.stderr)

    if not failures and done["batches"] == len(bodies):
        client = Client(url, args.app_id, args.app_token, args.timeout)
        for i in (0, args.users // 2, args.users - 1):
            status, data = client.call("getFriends", json.dumps(
                {"useracc": acc(i), "isAllPage": 1}).encode())
            got = len(json.loads(data).get("friendsList", [])) if status == 200 else None
            if got != args.friends:
                print("import: %s lists %r friends, want %d: %s"
                      % (acc(i), got, args.friends, data[:200]), file=sys.stderr)
                failures.append(("check", acc(i)))

    print("IMPORT pairs=%d batches=%d of=%d seconds=%.2f friendships_per_s=%.0f failed=%d"
          % (done["pairs"], done["batches"], len(bodies), took,
             done["pairs"] / took if took else 0, len(failures)), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
