"""Harness for the end-to-end tests: starts the real friendgraph binary and talks to it.

Server  starts `friendgraph serve` on a free loopback port in a temp data dir, waits for the
        "friendgraph listening on http://HOST:PORT" line, and stops it with SIGTERM (exit code 0
        expected) or SIGKILL.
NetEase a NetEase Yunxin server-API client that signs every call like the vendor SDK does:
        AppKey, Nonce, CurTime, CheckSum = sha1_hex(AppSecret + Nonce + CurTime), body
        application/x-www-form-urlencoded;charset=utf-8.

Standard library only. The binary comes from $FRIENDGRAPH_BIN.
"""

import hashlib
import http.client
import itertools
import json
import os
import queue
import resource
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

START_TIMEOUT = 20.0
STOP_TIMEOUT = 20.0
LISTEN_RE = re.compile(r"^friendgraph listening on http://(\S+):(\d+)\s*$")


def binary():
    path = os.environ.get("FRIENDGRAPH_BIN")
    if not path:
        raise RuntimeError("set FRIENDGRAPH_BIN to the friendgraph binary")
    if not os.access(path, os.X_OK):
        raise RuntimeError("FRIENDGRAPH_BIN=%s is not an executable file" % path)
    return path


_ids = itertools.count(1)
_run = secrets.token_hex(3)


def unique(prefix="u"):
    """A fresh accid (lower-case, NetEase-legal, at most 32 chars) unique within this test run."""
    return "%s%s_%d" % (prefix, _run, next(_ids))


def read_demo_credentials(data_dir):
    """(app_key, app_secret) from DATA_DIR/demo-app.toml."""
    with open(os.path.join(data_dir, "demo-app.toml"), encoding="utf-8") as f:
        text = f.read()
    key = re.search(r'^\s*app_key\s*=\s*"([^"]*)"', text, re.M)
    secret = re.search(r'^\s*app_secret\s*=\s*"([^"]*)"', text, re.M)
    if not key or not secret:
        raise AssertionError("demo-app.toml has no NetEase credentials:\n" + text)
    return key.group(1), secret.group(1)


def toml_config(apps, **top):
    """A config file's text. apps: list of dicts with name, netease={...}, and limits."""
    lines = []
    for k, v in top.items():
        lines.append("%s = %s" % (k, json.dumps(v)))
    for app in apps:
        lines.append("[[apps]]")
        for k, v in app.items():
            if k != "netease":
                lines.append("%s = %s" % (k, json.dumps(v)))
        if "netease" in app:
            lines.append("[apps.netease]")
            for k, v in app["netease"].items():
                lines.append("%s = %s" % (k, json.dumps(v)))
    return "\n".join(lines) + "\n"


class Server:
    """One friendgraph process. Use start()/stop(); restart() keeps the data dir."""

    def __init__(self, config_text=None, data_dir=None, max_open_files=None):
        self.max_open_files = max_open_files  # RLIMIT_NOFILE (soft and hard) for the process
        self._owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="friendgraph-e2e-")
        self.config_text = config_text
        self.proc = None
        self.host = None
        self.port = None
        self._lines = None
        self._log = None
        self.starts = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self):
        assert self.proc is None, "already running"
        args = [binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir]
        if self.config_text is not None:
            path = os.path.join(self.data_dir, "config.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(self.config_text)
            args += ["--config", path]
        self.starts += 1
        self._log_path = os.path.join(self.data_dir, "server-%d.log" % self.starts)
        self._log = open(self._log_path, "wb")
        limit = self.max_open_files
        preexec = None
        if limit is not None:
            preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.DEVNULL, preexec_fn=preexec)
        self._lines = queue.Queue()
        self.stdout_lines = []
        reader = threading.Thread(target=self._read_stdout, args=(self.proc, self._lines),
                                  daemon=True)
        reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise AssertionError("server did not print its listening line in time\n" +
                                     self.log_tail())
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait()
                self.proc = None
                raise AssertionError("server exited with %s before listening\n%s" %
                                     (code, self.log_tail()))
            m = LISTEN_RE.match(line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                assert self.host == "127.0.0.1", line
                assert self.port != 0, line
                return self

    def _read_stdout(self, proc, lines):
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            self.stdout_lines.append(line)
            lines.put(line)
        lines.put(None)

    def stop(self):
        """SIGTERM; returns the exit code (callers assert it is 0)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = "hung after SIGTERM"
        self._finish()
        return code

    def kill(self):
        """SIGKILL, no chance to flush anything."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._finish()

    def _finish(self):
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        if self.proc is not None:
            self.kill()
        if self._owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_tail(self, n=40):
        try:
            with open(self._log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "--- server log ---\n" + "\n".join(lines[-n:])
        except OSError:
            return "(no server log)"

    # -- clients -----------------------------------------------------------------------------

    def connect(self, timeout=10.0):
        return socket.create_connection((self.host, self.port), timeout=timeout)

    def http(self, method, path, body=None, headers=None, timeout=10.0):
        """One request on a fresh connection: (status, headers dict lower-cased, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def healthz(self):
        status, _, body = self.http("GET", "/healthz")
        return status, body

    def netease(self, app_key=None, app_secret=None):
        if app_key is None:
            app_key, app_secret = read_demo_credentials(self.data_dir)
        return NetEase(self, app_key, app_secret)


def sign(app_secret, nonce, cur_time):
    return hashlib.sha1((app_secret + nonce + cur_time).encode("utf-8")).hexdigest()


class Reply:
    """A NetEase answer: HTTP status, parsed JSON body (None if not JSON), raw bytes."""

    def __init__(self, status, body, headers):
        self.status = status
        self.raw = body
        self.headers = headers
        try:
            self.json = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.json = None

    @property
    def code(self):
        return self.json.get("code") if isinstance(self.json, dict) else None

    def __getitem__(self, key):
        return self.json[key]

    def __repr__(self):
        return "Reply(http=%d, %s)" % (self.status, self.raw[:300])


class NetEase:
    """A signed NetEase client on one keep-alive connection. Not thread-safe: one per thread."""

    FORM = "application/x-www-form-urlencoded;charset=utf-8"

    def __init__(self, server, app_key, app_secret):
        self.server = server
        self.app_key = app_key
        self.app_secret = app_secret
        self._conn = None

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

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
        if isinstance(body, str):
            body = body.encode("utf-8")
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.server.host, self.server.port,
                                                        timeout=30)
            try:
                self._conn.request(method, path, body=body, headers=headers or {})
                resp = self._conn.getresponse()
                data = resp.read()
                reply = Reply(resp.status, data, {k.lower(): v for k, v in resp.getheaders()})
                if resp.will_close:
                    self.close()
                return reply
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed a kept-alive connection before this request reached it.
                self.close()
                if attempt:
                    raise

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


class RawReader:
    """Reads HTTP/1.1 responses from a raw socket, keeping bytes past one response for the next
    (pipelining)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _more(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        self.buf += chunk
        return bool(chunk)

    def response(self, timeout=10.0):
        """(status, headers lower-cased, body), or None if the peer closed before a response.
        Reads the body by Content-Length (responses here are never chunked)."""
        self.sock.settimeout(timeout)
        while b"\r\n\r\n" not in self.buf:
            if not self._more():
                if not self.buf:
                    return None
                raise AssertionError("truncated response head: %r" % self.buf)
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length and self._more():
            pass
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body


def read_http_response(sock, timeout=10.0):
    """One response from a raw socket on which only one request was sent."""
    return RawReader(sock).response(timeout)


# -- test-case bases -----------------------------------------------------------------------------

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


class ServerCase(unittest.TestCase):
    """Runs one server for the whole class: the demo app unless CONFIG is set (a config's text).
    tearDownClass stops it with SIGTERM and fails if the exit code is not 0."""

    CONFIG = None
    CREDS = None  # (app_key, app_secret) of self.ne; None: the demo app

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config_text=cls.CONFIG)
        cls.clients = []
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.close()
        alive = cls.server.alive()
        code = cls.server.stop()
        tail = cls.server.log_tail()
        cls.server.cleanup()
        if not alive:
            raise AssertionError("the server died during the tests\n" + tail)
        if code != 0:
            raise AssertionError("SIGTERM: exit code %r, want 0\n%s" % (code, tail))

    @classmethod
    def client(cls, creds=None):
        c = cls.server.netease(*(creds or (None, None)))
        cls.clients.append(c)
        return c

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
