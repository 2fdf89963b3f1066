"""The Yuntongxun (容联云通讯) dialect's e2e client, and YuntongxunCase, the base of its tests.

The client calls the server the way the vendor's REST SDKs do. Each call takes one timestamp,
now in UTC+8 as yyyyMMddHHmmss, and sends

    POST /{SoftVersion}/Application/{appId}/IM/{op}?sig={SigParameter}
    Accept: application/json
    Content-Type: application/json;charset=utf-8
    Authorization: base64(appId + ":" + timestamp)

with sig = upper-case hex MD5(appId + appToken + timestamp) and a JSON body, on one kept-alive
connection. uploadAvatar sends the image bytes as the body (application/octet-stream), with
useracc and fileName in the query beside sig.

Credentials come from a config the test generates (harness.toml_config with a "yuntongxun"
table: app_id, app_token) or from <data_dir>/demo-app.toml (the demo app's [apps.yuntongxun]).

Standard library only; the server side comes from harness.py.
"""

import base64
import datetime
import hashlib
import json
import os
import struct
import tomllib
import urllib.parse
import zlib

from harness import JsonReply, KeepAlive, ServerCase, unique

SOFT_VERSION = "2013-12-26"
JSON_TYPE = "application/json;charset=utf-8"
OK = "000000"
# The vendor's zone: timestamps are China time, whatever the machine's zone.
CHINA = datetime.timezone(datetime.timedelta(hours=8))
# Passed as sig= or authorization=: the request carries no sig parameter / Authorization header.
OMIT = object()


def read_demo_credentials(data_dir):
    """(app_id, app_token) of the demo app's [apps.yuntongxun] table in DATA_DIR/demo-app.toml.
    The dialect is part of every build: a demo app without the table is a failure."""
    with open(os.path.join(data_dir, "demo-app.toml"), "rb") as f:
        doc = tomllib.load(f)
    table = doc["apps"][0].get("yuntongxun")
    if table is None:
        raise AssertionError("demo-app.toml has no [apps.yuntongxun] table: %r" % (doc,))
    return table["app_id"], table["app_token"]


def sdk_timestamp(when=None):
    """`when` (an aware datetime; None: now) in China time as yyyyMMddHHmmss."""
    when = datetime.datetime.now(CHINA) if when is None else when.astimezone(CHINA)
    return when.strftime("%Y%m%d%H%M%S")


def sign(app_id, app_token, ts):
    """The sig query parameter: upper-case hex MD5(appId + appToken + timestamp)."""
    return hashlib.md5((app_id + app_token + ts).encode("utf-8")).hexdigest().upper()


def auth_header(app_id, ts):
    """The Authorization header: standard, padded Base64 of appId:timestamp."""
    return base64.b64encode(("%s:%s" % (app_id, ts)).encode("utf-8")).decode("ascii")


class Reply(JsonReply):
    """A Yuntongxun answer; code is its statusCode (None when the body has none)."""

    @property
    def code(self):
        return self.get("statusCode")


class Yuntongxun:
    """A signed Yuntongxun client of one app on one keep-alive connection. Not thread-safe: one
    per thread."""

    def __init__(self, server, app_id, app_token):
        self.server = server
        self.app_id = app_id
        self.app_token = app_token
        self._http = KeepAlive(server)

    def close(self):
        self._http.close()

    def useracc(self, account):
        """The vendor's account reference, appId#account."""
        return "%s#%s" % (self.app_id, account)

    def raw(self, method, path, body=None, headers=None, op=None):
        """Sends exactly this request (path from the root; body bytes, str or None) on the
        kept-alive connection."""
        return Reply(*self._http.exchange(method, path, body, headers), op)

    def call(self, op, body, *, timestamp=None, sig=None, authorization=None,
             app_id_in_path=None, soft_version=SOFT_VERSION, raw_body=None, headers=None):
        """One SDK-style call of IM/{op} with `body` (a JSON-able object) sent as UTF-8 JSON.

        timestamp: the yyyyMMddHHmmss that both sig and Authorization are made from (None: now).
        sig, authorization: sent instead of the computed ones (OMIT: left out).
        app_id_in_path: the {appId} of the path (None: this client's; sig and Authorization
        still use this client's). soft_version: the path's first segment.
        raw_body: bytes or str sent as is instead of `body` (which is then ignored).
        headers: added to the SDK's headers or replacing them; a None value drops one."""
        if raw_body is None:
            raw_body = json.dumps(body, ensure_ascii=False)
        return self._signed(op, raw_body, JSON_TYPE, {}, timestamp, sig, authorization,
                            app_id_in_path, soft_version, headers)

    def upload_avatar(self, useracc, file_name, data, *, timestamp=None, sig=None,
                      authorization=None, app_id_in_path=None, soft_version=SOFT_VERSION,
                      headers=None):
        """IM/uploadAvatar: `data` (bytes) as the body, application/octet-stream, with
        useracc and fileName in the query after sig, form-encoded like Java's URLEncoder ('#' as
        %23, a space as '+'). The keywords are call's."""
        return self._signed("uploadAvatar", data, "application/octet-stream",
                            {"useracc": useracc, "fileName": file_name}, timestamp, sig,
                            authorization, app_id_in_path, soft_version, headers)

    def _signed(self, op, body, content_type, query, ts, sig, auth, app_id_in_path,
                soft_version, headers):
        ts = sdk_timestamp() if ts is None else ts
        params = {}
        if sig is not OMIT:
            params["sig"] = sign(self.app_id, self.app_token, ts) if sig is None else sig
        params.update(query)
        path = "/%s/Application/%s/IM/%s" % (
            soft_version, self.app_id if app_id_in_path is None else app_id_in_path, op)
        if params:
            path += "?" + urllib.parse.urlencode(params)
        h = {"Accept": "application/json", "Content-Type": content_type}
        if auth is not OMIT:
            h["Authorization"] = auth_header(self.app_id, ts) if auth is None else auth
        for name, value in (headers or {}).items():
            if value is None:
                h.pop(name, None)
            else:
                h[name] = value
        return self.raw("POST", path, body, h, op)


def yuntongxun(server, creds=None):
    """A Yuntongxun client of `server`: creds (app_id, app_token), or the demo app's."""
    if creds is None:
        creds = read_demo_credentials(server.data_dir)
    return Yuntongxun(server, *creds)


# -- images, built here so that the tests need no files ------------------------------------------


def png_bytes(w=2, h=2, seed=0):
    """A valid RGB PNG of w x h pixels (seed varies the pixels, so the bytes)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes((seed + x + y) % 256 for x in range(w * 3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def gif_bytes():
    """A 1x1 GIF89a."""
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
            b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def jpeg_bytes():
    """The head of a JFIF file (SOI, APP0) and an EOI: what a sniffer looks at."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def bmp_bytes(w=1, h=1):
    """A 24-bit BMP with a BITMAPINFOHEADER (40 bytes)."""
    row = (w * 3 + 3) // 4 * 4
    pixels = b"\x00" * (row * h)
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    head = b"BM" + struct.pack("<IHHI", 14 + len(dib) + len(pixels), 0, 0, 14 + len(dib))
    return head + dib + pixels


IMAGES = {"png": (png_bytes(), "image/png"), "jpg": (jpeg_bytes(), "image/jpeg"),
          "gif": (gif_bytes(), "image/gif"), "bmp": (bmp_bytes(), "image/bmp")}


def new_app_id():
    """A fresh appId for a generated config: 32 hex digits."""
    return os.urandom(16).hex()


def app_table(app_id, app_token, **extra):
    """The [apps.yuntongxun] table for harness.toml_config."""
    t = {"app_id": app_id, "app_token": app_token}
    t.update(extra)
    return t


class YuntongxunCase(ServerCase):
    """A ServerCase whose tests call the server through self.ytx, a Yuntongxun client of the app
    with CREDS ((app_id, app_token); None: the demo app, from demo-app.toml), and check answers
    with assertCode / assertOk. Never skipped: a binary without the dialect fails."""

    CREDS = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = cls.CREDS
        if cls.creds is None:
            try:
                cls.creds = read_demo_credentials(cls.server.data_dir)
            except BaseException:
                cls.server.kill()
                cls.server.cleanup()
                raise

    @classmethod
    def client(cls, creds=None):
        return cls.keep(Yuntongxun(cls.server, *(creds or cls.creds)))

    def setUp(self):
        self.ytx = self.client()

    def tearDown(self):
        self.assertTrue(self.server.alive(), self.server.log_tail())

    def assertCode(self, reply, code, http_status=200):
        """A JSON answer with this HTTP status and statusCode (a string such as "000000"), and
        a non-empty statusMsg. Returns the JSON."""
        self.assertIsNotNone(reply.json, "not JSON: %r" % (reply,))
        self.assertTrue(reply.headers.get("content-type", "").startswith("application/json"),
                        (reply.headers, reply))
        self.assertIsInstance(reply.json, dict, reply)
        self.assertEqual((reply.status, reply.code), (http_status, code), reply)
        self.assertIsInstance(reply.json.get("statusMsg"), str, reply)
        self.assertTrue(reply.json["statusMsg"], reply)
        return reply.json

    def assertOk(self, reply):
        return self.assertCode(reply, OK)

    # -- shorthands ------------------------------------------------------------------------------

    @classmethod
    def tearDownClass(cls):
        # Whatever the tests sent, the server still serves.
        healthy = cls.server.alive() and cls.server.healthz() == (200, b"ok\n")
        super().tearDownClass()
        if not healthy:
            raise AssertionError("/healthz did not answer 200 ok at the end of the class")

    def acc(self, account, client=None):
        """appId#account of this test's client (or `client`)."""
        return (client or self.ytx).useracc(account)

    def ok(self, op, body, client=None):
        """The call, which must succeed; its JSON."""
        return self.assertOk((client or self.ytx).call(op, body))

    def code(self, op, body, code, client=None):
        """The call, which must fail with `code`; its JSON."""
        return self.assertCode((client or self.ytx).call(op, body), code)

    def users(self, n, prefix="y", client=None):
        """n fresh accounts, created as the vendor does (an operator's first call); bare names."""
        out = []
        for _ in range(n):
            name = unique(prefix)
            self.ok("getUserVerify", {"useracc": self.acc(name, client)}, client)
            out.append(name)
        return out

    def friends(self, account, client=None, **body):
        """getFriends isAllPage=1 of `account`: {useracc: entry}, checked for duplicates."""
        body.setdefault("isAllPage", "1")
        j = self.ok("getFriends", dict(useracc=self.acc(account, client), **body), client)
        names = [f["useracc"] for f in j["friendsList"]]
        self.assertEqual(len(names), len(set(names)), j)
        return {f["useracc"]: f for f in j["friendsList"]}

    def import_pairs(self, pairs, client=None):
        """importFriends of (a, b) bare-account pairs of this client's app."""
        c = client or self.ytx
        return c.call("importFriends", {"friendsList": [
            {"useracc": c.useracc(a), "friendUseracc": c.useracc(b)} for a, b in pairs]})
