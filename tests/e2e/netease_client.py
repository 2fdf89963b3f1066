"""The NetEase Yunxin dialect's e2e client: signs every call like the vendor SDK does (AppKey,
Nonce, CurTime, CheckSum = sha1_hex(AppSecret + Nonce + CurTime), body
application/x-www-form-urlencoded;charset=utf-8), and NeteaseCase, the base of the NetEase tests.

Standard library only; the server side comes from harness.py.
"""

import hashlib
import os
import re
import secrets
import time
import urllib.parse

from harness import JsonReply, KeepAlive, ServerCase, unique


def read_demo_credentials(data_dir):
    """(app_key, app_secret) from DATA_DIR/demo-app.toml."""
    with open(os.path.join(data_dir, "demo-app.toml"), encoding="utf-8") as f:
        text = f.read()
    key = re.search(r'^\s*app_key\s*=\s*"([^"]*)"', text, re.M)
    secret = re.search(r'^\s*app_secret\s*=\s*"([^"]*)"', text, re.M)
    if not key or not secret:
        raise AssertionError("demo-app.toml has no NetEase credentials:\n" + text)
    return key.group(1), secret.group(1)


def netease(server, app_key=None, app_secret=None):
    """A NetEase client of `server`: the demo app's when no credentials are given."""
    if app_key is None:
        app_key, app_secret = read_demo_credentials(server.data_dir)
    return NetEase(server, app_key, app_secret)


def sign(app_secret, nonce, cur_time):
    return hashlib.sha1((app_secret + nonce + cur_time).encode("utf-8")).hexdigest()


class Reply(JsonReply):
    """A NetEase answer; code is its "code"."""

    @property
    def code(self):
        return self.get("code")


class NetEase:
    """A signed NetEase client on one keep-alive connection. Not thread-safe: one per thread."""

    FORM = "application/x-www-form-urlencoded;charset=utf-8"

    def __init__(self, server, app_key, app_secret):
        self.server = server
        self.app_key = app_key
        self.app_secret = app_secret
        self._http = KeepAlive(server)

    def close(self):
        self._http.close()

    def auth_headers(self, cur_time=None, nonce=None, secret=None, app_key=None):
        nonce = nonce if nonce is not None else secrets.token_hex(8)
        cur_time = str(int(time.time()) if cur_time is None else cur_time)
        return {
            "AppKey": self.app_key if app_key is None else app_key,
            "Nonce": nonce,
            "CurTime": cur_time,
            "CheckSum": sign(self.app_secret if secret is None else secret, nonce, cur_time),
        }

    def raw(self, path, body=b"", headers=None, method="POST"):
        """Sends exactly these headers and body (bytes or str) on the kept-alive connection."""
        return Reply(*self._http.exchange(method, path, body, headers))

    def call(self, op, params=None, body=None, headers=None, **kw):
        """POST /nimserver/{op}.action with a signed form. params: dict or list of pairs."""
        if body is None:
            body = urllib.parse.urlencode(params or {})
        h = {"Content-Type": self.FORM}
        h.update(self.auth_headers(**kw))
        if headers:
            h.update(headers)
        return self.raw("/nimserver/%s.action" % op, body, h)

    # Shorthands for the calls the tests make all the time.
    def create_user(self, accid, **fields):
        return self.call("user/create", dict(accid=accid, **fields))

    def add(self, accid, faccid, type, **fields):
        return self.call("friend/add", dict(accid=accid, faccid=faccid, type=type, **fields))

    def delete(self, accid, faccid, **fields):
        return self.call("friend/delete", dict(accid=accid, faccid=faccid, **fields))

    def get_friends(self, accid, updatetime=0):
        return self.call("friend/get", dict(accid=accid, updatetime=updatetime))

    def get_by_accid(self, accid, faccid):
        return self.call("friend/getByAccid", dict(accid=accid, faccid=faccid))

    def friend_names(self, accid):
        r = self.get_friends(accid)
        assert r.status == 200 and r.code == 200, r
        return [f["faccid"] for f in r["friends"]]

    def users(self, n, prefix="u"):
        """Creates n fresh users, returns their accids."""
        out = []
        for _ in range(n):
            accid = unique(prefix)
            r = self.create_user(accid)
            assert r.code == 200, r
            out.append(accid)
        return out


# Credentials of the apps in CONFIG_APPS (the config-file server).
LIMITED = ("limitedkey", "limitedsecret")    # max_friends 3, max_blocks 2, max_mutes 2
THROTTLED = ("throttledkey", "throttledsecret")  # rate_limit_per_second 5
OTHER = ("otherkey", "othersecret")          # a plain second app, for isolation

CONFIG_APPS = [
    {"name": "limited", "max_friends": 3, "max_blocks": 2, "max_mutes": 2,
     "netease": {"app_key": LIMITED[0], "app_secret": LIMITED[1]}},
    {"name": "throttled",
     "netease": {"app_key": THROTTLED[0], "app_secret": THROTTLED[1],
                 "rate_limit_per_second": 5}},
    {"name": "other", "netease": {"app_key": OTHER[0], "app_secret": OTHER[1]}},
]


class NeteaseCase(ServerCase):
    """A ServerCase whose tests call the server through self.ne, a NetEase client of the app with
    CREDS, and check NetEase answers with assertCode / assertOk."""

    CREDS = None  # (app_key, app_secret) of self.ne; None: the demo app

    @classmethod
    def client(cls, creds=None):
        return cls.keep(netease(cls.server, *(creds or (None, None))))

    def setUp(self):
        self.ne = self.client(self.CREDS)

    def assertCode(self, reply, code, http_status=200):
        self.assertIsNotNone(reply.json, "not JSON: %r" % (reply,))
        self.assertEqual((reply.status, reply.code), (http_status, code), reply)
        if code != 200:
            self.assertIsInstance(reply.json.get("desc"), str, reply)
            self.assertTrue(reply.json["desc"], reply)
        self.assertTrue(reply.headers.get("content-type", "").startswith("application/json"),
                        reply.headers)

    def assertOk(self, reply):
        self.assertCode(reply, 200)
        return reply.json
