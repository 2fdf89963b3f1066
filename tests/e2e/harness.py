"""Harness for the end-to-end tests, common to every dialect: starts the real friendgraph binary
and talks HTTP to it. Each dialect adds a client module (netease_client.py) that signs its calls
the way the vendor's SDK does, and a test-case base on top of ServerCase.

Server      starts `friendgraph serve` on a free loopback port in its own temp data dir, waits for
            the "friendgraph listening on http://HOST:PORT" line, and stops it with SIGTERM (exit
            code 0 expected) or SIGKILL. Port 0 and private dirs: modules run in parallel.
ServerCase  one Server per test class, stopped and checked in tearDownClass.
RawReader   HTTP/1.1 responses read from a raw socket, for requests http.client cannot send.

Standard library only. The binary comes from $FRIENDGRAPH_BIN.
"""

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
    """A fresh account name unique within this test run: lower-case letters, digits and `_`, at
    most 32 characters, so that every dialect accepts it."""
    return "%s%s_%d" % (prefix, _run, next(_ids))


def parse_metrics(body):
    """A /metrics body (Prometheus text) as {"name{labels}": value}."""
    out = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


def toml_config(apps, **top):
    """A config file's text. apps: list of dicts with name, limits, and one dict per dialect the
    app enables (e.g. netease={...}), written as that dialect's [apps.<dialect>] table."""
    lines = []
    for k, v in top.items():
        lines.append("%s = %s" % (k, json.dumps(v)))
    for app in apps:
        lines.append("[[apps]]")
        for k, v in app.items():
            if not isinstance(v, dict):
                lines.append("%s = %s" % (k, json.dumps(v)))
        for dialect, table in app.items():
            if isinstance(table, dict):
                lines.append("[apps.%s]" % dialect)
                for k, v in table.items():
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
                self._finish()
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


class JsonReply:
    """An answer: HTTP status, parsed JSON body (None if not JSON), raw bytes, headers. Each
    vendor client subclasses it with the name of its status field; `label` names the call in
    failure messages."""

    def __init__(self, status, body, headers, label=None):
        self.status = status
        self.raw = body
        self.headers = headers
        self.label = label
        try:
            self.json = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.json = None

    def get(self, key, default=None):
        return self.json.get(key, default) if isinstance(self.json, dict) else default

    def __getitem__(self, key):
        return self.json[key]

    def __contains__(self, key):
        return isinstance(self.json, dict) and key in self.json

    def __repr__(self):
        return "Reply(%s http=%d, %s)" % (self.label, self.status, self.raw[:400])


def run_threads(worker, count, timeout=120):
    """Runs worker(0) … worker(count - 1) on threads at once; fails if one hangs, re-raises the
    first exception one raised."""
    errors = []
    lock = threading.Lock()

    def guarded(i):
        try:
            worker(i)
        except BaseException as e:  # noqa: B902 - re-raised below
            with lock:
                errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    if any(t.is_alive() for t in threads):
        raise AssertionError("a worker hung")
    if errors:
        raise errors[0]


class KeepAlive:
    """One kept-alive HTTP connection to a server, opened again once when the server closed it
    between two requests. Not thread-safe: one per thread."""

    def __init__(self, server):
        self.server = server
        self._conn = None

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def exchange(self, method, path, body, headers):
        """Sends exactly this request (body bytes, str or None); returns (status, body bytes,
        headers with lower-cased names)."""
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
                got = (resp.status, data, {k.lower(): v for k, v in resp.getheaders()})
                if resp.will_close:
                    self.close()
                return got
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed a kept-alive connection before this request reached it.
                self.close()
                if attempt:
                    raise


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


# -- test-case base ------------------------------------------------------------------------------


class ServerCase(unittest.TestCase):
    """Runs one server for the whole class: the demo app unless CONFIG is set (a config's text).
    tearDownClass closes the clients given to keep(), stops the server with SIGTERM and fails if
    it died or its exit code is not 0."""

    CONFIG = None

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
    def keep(cls, client):
        """Closes `client` (anything with close()) when the class is done; returns it."""
        cls.clients.append(client)
        return client
