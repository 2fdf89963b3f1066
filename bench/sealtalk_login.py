#!/usr/bin/env python3
"""Logs the first N seeded users in through SealTalk for the load benchmark (stdlib only).

The users u00000 … u{N-1} were made through NetEase by seed.py, so they have no phone and no
password. For each user i this gives it the phone 139 + i in 8 digits through NetEase
(user/updateUinfo.action mobile=…: user/update.action takes only a token and ignores a mobile),
then signs it in through SealTalk as its app would after "forgot password":

  POST /user/send_code      {"region":"86","phone":P}                   -> {"code":200}
  POST /user/verify_code    {"region":"86","phone":P,"code":"123456"}   -> result.verification_token
  POST /user/reset_password {"password":"benchpw1","verification_token":T}
  POST /user/login          {"region":"86","phone":P,"password":"benchpw1"}
                            -> result.id and Set-Cookie: rong_auth_cookie=…

The server must run with [apps.sealtalk] dev_verification_code = "123456" and, since every code
is asked for from one address, codes_per_address = 0 (bench/run.sh sets both). Each password is
hashed with argon2id on one server thread (about 15 ms, twice a user): N = 400 takes about 12 s.

Writes one line per user to --out, in index order: `<index> <opaque id> <cookie value>`, which
bench/sealtalk_all.lua and bench/sealtalk_invite.lua read. Requests go over keep-alive
connections from several threads. Exits non-zero on any unexpected answer.

  sealtalk_login.py --url http://127.0.0.1:PORT --app-key K --app-secret S --out FILE [--users 400]
"""

import argparse
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse

from seed import Client, account

PASSWORD = "benchpw1"
CODE = "123456"
COOKIE = "rong_auth_cookie"
COOKIE_RE = re.compile(r"(?:^|,\s*)" + COOKIE + r"=([^;,\s]+)")


def phone(i):
    """A valid mainland mobile number (1, then 3-9, then 9 digits) unique to user i."""
    return "139%08d" % i


class SealTalk:
    """One keep-alive connection for the SealTalk calls (JSON bodies, no signature)."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def post(self, path, obj):
        body = json.dumps(obj, separators=(",", ":"))
        headers = {"Content-Type": "application/json"}
        for attempt in range(2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body, headers)
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, resp.getheader("Set-Cookie") or "", data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


class Unexpected(Exception):
    pass


def expect(what, status, data):
    """The parsed body of a {"code":200…} answer, else raises Unexpected."""
    try:
        obj = json.loads(data) if status == 200 else None
    except ValueError:
        obj = None
    if not isinstance(obj, dict) or obj.get("code") != 200:
        raise Unexpected("%s: HTTP %d %r" % (what, status, data[:200]))
    return obj


def log_in(netease, sealtalk, i):
    """Gives user i its phone and password and logs it in; returns (id, cookie value)."""
    p = phone(i)
    status, data = netease.call("/nimserver/user/updateUinfo.action",
                                {"accid": account(i), "mobile": p})
    if status != 200 or data != b'{"code":200}':
        raise Unexpected("updateUinfo %s: HTTP %d %r" % (account(i), status, data[:200]))
    status, _, data = sealtalk.post("/user/send_code", {"region": "86", "phone": p})
    expect("send_code %s" % p, status, data)
    status, _, data = sealtalk.post("/user/verify_code",
                                    {"region": "86", "phone": p, "code": CODE})
    token = expect("verify_code %s" % p, status, data).get("result", {}).get("verification_token")
    if not isinstance(token, str) or not token:
        raise Unexpected("verify_code %s: no verification_token in %r" % (p, data[:200]))
    status, _, data = sealtalk.post("/user/reset_password",
                                    {"password": PASSWORD, "verification_token": token})
    expect("reset_password %s" % p, status, data)
    status, cookie, data = sealtalk.post("/user/login",
                                         {"region": "86", "phone": p, "password": PASSWORD})
    uid = expect("login %s" % p, status, data).get("result", {}).get("id")
    if not isinstance(uid, str) or not re.fullmatch(r"[0-9A-Za-z]{11}", uid):
        raise Unexpected("login %s: no 11-character id in %r" % (p, data[:200]))
    m = COOKIE_RE.search(cookie)
    if not m:
        raise Unexpected("login %s: no %s in Set-Cookie %r" % (p, COOKIE, cookie[:200]))
    return uid, m.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--app-key", required=True)
    ap.add_argument("--app-secret", required=True)
    ap.add_argument("--out", required=True, help="where the `index id cookie` lines go")
    ap.add_argument("--users", type=int, default=400, help="log in u00000 … u{N-1}")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    args = ap.parse_args()
    if not 0 < args.users <= 10 ** 8:
        ap.error("--users must be 1 … 10^8")

    url = urllib.parse.urlsplit(args.url)
    lock = threading.Lock()
    results = [None] * args.users
    failures = []
    next_index = [0]

    def worker():
        netease = Client(url.hostname, url.port, args.app_key, args.app_secret, args.timeout)
        sealtalk = SealTalk(url.hostname, url.port, args.timeout)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
                if i >= args.users or failures:
                    return
            try:
                results[i] = log_in(netease, sealtalk, i)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    failures.append("%s: %s" % (account(i), e))

    started = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(args.threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.monotonic() - started
    for f in failures[:5]:
        print("sealtalk_login: failed:", f, file=sys.stderr)
    if failures:
        return 1
    ids = [uid for uid, _ in results]
    if len(set(ids)) != len(ids):
        print("sealtalk_login: two users got the same id", file=sys.stderr)
        return 1
    with open(args.out, "w") as out:
        for i, (uid, cookie) in enumerate(results):
            out.write("%d %s %s\n" % (i, uid, cookie))
    print("sealtalk_login: done: %d users logged in (phone, send_code, verify_code,"
          " reset_password, login: %d calls) in %.2f s, %.1f users/s"
          % (args.users, 5 * args.users, took, args.users / took if took else 0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
