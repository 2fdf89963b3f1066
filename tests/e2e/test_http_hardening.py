"""Transport hardening: request framing (RFC 9112 §6: no smuggling, trailers are not headers,
Host), media types, HEAD, trailing slashes, /metrics by dialect and outcome, connection slots
(per-client cap, shedding idle kept-alive connections, 503 when full) and signals (SIGPIPE,
SIGHUP). Every connection of these tests comes from 127.0.0.1 unless it binds another loopback
source address (127.0.0.2) to play a second client."""

import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import types
import unittest

from harness import (LISTEN_RE, RawReader, Server, binary, parse_metrics, read_http_response,
                     toml_config, unique)
from netease_client import CONFIG_APPS, OTHER, NeteaseCase, netease

POLL_SECONDS = 10.0  # bound on every wait for the server to notice closed connections


def get_and_wait_for_close(server, path, source=None):
    """(status, body) of GET `path` on a new connection, once the server has closed it (so that
    its slot is free again); None if it closed without an answer."""
    with connect(server, source) as s:
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        resp = read_http_response(s)
        try:
            while s.recv(65536):
                pass
        except ConnectionResetError:
            pass
    return None if resp is None else (resp[0], resp[2])


def metrics(server, source=None):
    """/metrics as {"name{labels}": value}."""
    status, body = get_and_wait_for_close(server, "/metrics", source)
    assert status == 200, status
    return parse_metrics(body)


def connect(server, source=None, timeout=10.0):
    """A connection to the server, from `source` (a loopback address) when given."""
    return socket.create_connection((server.host, server.port), timeout=timeout,
                                    source_address=(source, 0) if source else None)


def healthz_from(server, source=None):
    """Status of GET /healthz on a new connection from `source`; None if closed unanswered."""
    resp = get_and_wait_for_close(server, "/healthz", source)
    return None if resp is None else resp[0]


def wait_for_free_slots(server, source=None):
    """Waits until the server holds no connection but the one asking (it closes its side of the
    test's closed connections as it reads their EOF; until then a new one may get 503)."""
    def free():
        status, body = get_and_wait_for_close(server, "/metrics", source)
        return status == 200 and b"\nfriendgraph_http_connections 1\n" in body

    wait_until(free, "the server to close its connections")


def wait_until(predicate, what):
    deadline = time.monotonic() + POLL_SECONDS
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class FramingTests(NeteaseCase):
    """RFC 9112 §6: a request whose framing a proxy could read differently gets 400 and a close,
    and the bytes after it are never run as a request."""

    def signed(self, body, framing, op="user/create", auth_in_trailers=False):
        """A signed NetEase request; `framing` is a list of header lines (TE/CL) or None for
        Content-Length. Returns the bytes of the head and body."""
        auth = ["%s: %s" % kv for kv in self.ne.auth_headers().items()]
        lines = ["POST /nimserver/%s.action HTTP/1.1" % op, "Host: 127.0.0.1",
                 "Content-Type: application/x-www-form-urlencoded"]
        if not auth_in_trailers:
            lines += auth
        lines += framing if framing is not None else ["Content-Length: %d" % len(body)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def chunked(self, body, trailers=()):
        return (b"%x\r\n%s\r\n0\r\n" % (len(body), body) +
                b"".join(t.encode() + b"\r\n" for t in trailers) + b"\r\n")

    def exchange_all(self, data):
        """Sends `data` on a new connection; every response until the server closes."""
        with self.server.connect() as s:
            s.sendall(data)
            reader = RawReader(s)
            out = []
            while True:
                resp = reader.response()
                if resp is None:
                    return out
                out.append(resp)

    def assert400AndClosed(self, data):
        responses = self.exchange_all(data)  # returns once the server has closed
        self.assertEqual(len(responses), 1, responses)
        status, headers, body = responses[0]
        self.assertEqual(status, 400, body)
        if b" HTTP/1.1\r\n" in data.split(b"\r\n\r\n")[0]:  # HTTP/1.0 closes by default
            self.assertEqual(headers.get("connection", "").lower(), "close")

    def assertUserAbsent(self, accid):
        # Creating it succeeds only if the smuggled request never ran.
        self.assertOk(self.ne.create_user(accid))

    def test_transfer_encoding_with_content_length_is_400(self):
        body = self.chunked(b"accid=" + unique().encode())
        for framing in (["Transfer-Encoding: chunked", "Content-Length: %d" % len(body)],
                        ["Content-Length: %d" % len(body), "Transfer-Encoding: chunked"],
                        ["Transfer-Encoding: xchunked", "Content-Length: %d" % len(body)]):
            with self.subTest(framing=framing):
                self.assert400AndClosed(self.signed(body, framing))

    def test_xchunked_with_content_length_smuggles_no_second_request(self):
        victim = unique("smug")
        first = b"accid=" + unique().encode()
        second = self.signed(b"accid=" + victim.encode(), None)
        framing = ["Transfer-Encoding: xchunked", "Content-Length: %d" % len(first)]
        self.assert400AndClosed(self.signed(first, framing) + second)
        self.assertUserAbsent(victim)

    def test_transfer_encoding_must_be_exactly_chunked(self):
        victim = unique("smug")
        smuggled = self.signed(b"accid=" + victim.encode(), None)
        for te in ("xchunked", "identity", "chunked, chunked", "chunked, identity",
                   "gzip, chunked", "chunked;q=1", "", ","):
            with self.subTest(te=te):
                body = self.chunked(b"accid=" + unique().encode())
                self.assert400AndClosed(
                    self.signed(body, ["Transfer-Encoding: " + te]) + smuggled)
        # Several lines make one list.
        for lines in (["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
                      ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
                      ["Transfer-Encoding: chunked", "Transfer-Encoding: identity"]):
            with self.subTest(lines=lines):
                body = self.chunked(b"accid=" + unique().encode())
                self.assert400AndClosed(self.signed(body, lines) + smuggled)
        self.assertUserAbsent(victim)

    def test_chunked_in_any_case_and_spacing_is_read(self):
        for te in ("chunked", "Chunked", "CHUNKED", " \tchunked\t ", "chunked ,", ", chunked"):
            with self.subTest(te=te):
                accid = unique()
                body = self.chunked(b"accid=" + accid.encode())
                responses = self.exchange_all(
                    self.signed(body, ["Transfer-Encoding: " + te, "Connection: close"]))
                self.assertEqual(len(responses), 1, responses)
                self.assertEqual(responses[0][0], 200, responses)
                self.assertIn(b'"code":200', responses[0][2])

    def test_transfer_encoding_in_http10_is_400(self):
        body = self.chunked(b"accid=" + unique().encode())
        data = self.signed(body, ["Transfer-Encoding: chunked"]).replace(b"HTTP/1.1", b"HTTP/1.0",
                                                                         1)
        self.assert400AndClosed(data)

    def test_auth_headers_sent_as_trailers_are_not_accepted(self):
        accid = unique()
        trailers = ["%s: %s" % kv for kv in self.ne.auth_headers().items()]
        body = self.chunked(b"accid=" + accid.encode(), trailers)
        data = self.signed(body, ["Transfer-Encoding: chunked", "Connection: close"],
                           auth_in_trailers=True)
        responses = self.exchange_all(data)
        self.assertEqual(len(responses), 1, responses)
        status, _, answer = responses[0]
        self.assertEqual(status, 200)
        self.assertIn(b'"code":414', answer)
        self.assertIn(b"header is missing", answer)
        self.assertUserAbsent(accid)

    def test_host_header(self):
        self.assert400AndClosed(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assert400AndClosed(b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        for request in (b"GET /healthz HTTP/1.0\r\n\r\n",
                        b"GET /healthz HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"):
            with self.subTest(request=request):
                responses = self.exchange_all(request)
                self.assertEqual([r[0] for r in responses], [200], responses)


class RequestDecodingTests(NeteaseCase):

    def post(self, body, content_type, op="friend/get"):
        h = self.ne.auth_headers()
        h["Content-Type"] = content_type
        return self.ne.raw("/nimserver/%s.action" % op, body, h)

    def test_form_media_type_is_parsed_up_to_the_semicolon(self):
        accid = unique()
        self.assertOk(self.ne.create_user(accid))
        body = "accid=%s&updatetime=0" % accid
        for ct in ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded;",
                   "application/x-www-form-urlencoded ; charset=utf-8",
                   "Application/X-WWW-Form-Urlencoded;Charset=UTF-8",
                   'application/x-www-form-urlencoded; charset="utf-8"'):
            with self.subTest(content_type=ct):
                self.assertOk(self.post(body, ct))
        for ct in ("application/x-www-form-urlencodedX", "application/x-www-form-urlencoded2",
                   "application/x-www-form-urlencoded, text/plain",
                   "application/x-www-form-urlencoded; charset", "application/x-www-form",
                   "x-www-form-urlencoded", ""):
            with self.subTest(content_type=ct):
                self.assertCode(self.post(body, ct), 414)

    def test_trailing_slash_routes_like_the_path_without_it(self):
        accid = unique()
        h = self.ne.auth_headers()
        h["Content-Type"] = self.ne.FORM
        self.assertOk(self.ne.raw("/nimserver/user/create.action/", "accid=" + accid, h))
        self.assertEqual(self.ne.friend_names(accid), [])
        self.assertEqual(self.server.http("GET", "/healthz/")[::2], (200, b"ok\n"))

    def test_head_healthz_is_get_without_the_body(self):
        with self.server.connect() as s:
            # Pipelined: a body after the HEAD answer would be taken for the next answer.
            s.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            s.settimeout(10)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), data)
        # Beast states the GET length.
        self.assertIn(b"\r\nContent-Length: 3", head)
        self.assertTrue(rest.startswith(b"HTTP/1.1 200 OK\r\n"), data)
        self.assertTrue(rest.endswith(b"\r\n\r\nok\n"), data)

    def test_metrics_count_dialect_answers_by_outcome(self):
        key = 'friendgraph_dialect_answers_total{dialect="netease",outcome="%s"}'
        before = metrics(self.server)
        accid = unique()
        self.assertOk(self.ne.create_user(accid))
        r = self.ne.get_by_accid(accid, unique())  # a vendor error code in an HTTP 200
        self.assertEqual(r.status, 200)
        self.assertNotEqual(r.code, 200)
        self.assertCode(self.ne.call("friend/get", {"accid": accid}, secret="wrong"), 414)
        after = metrics(self.server)
        self.assertEqual(after[key % "ok"] - before.get(key % "ok", 0), 1)
        self.assertEqual(after[key % "client_error"] - before.get(key % "client_error", 0), 2)
        self.assertEqual(after[key % "server_error"], before.get(key % "server_error", 0))


class PerClientCapTests(NeteaseCase):
    """One address cannot take every slot: max_connections_per_client."""

    CONFIG = toml_config(CONFIG_APPS, max_connections=20, max_connections_per_client=8,
                         log_level="warn")
    CREDS = OTHER

    def half_headers(self, n, source=None):
        socks = []
        for _ in range(n):
            s = connect(self.server, source)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHo")
            socks.append(s)
        return socks

    def assertRefused(self, source=None):
        with connect(self.server, source) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            resp = read_http_response(s)
        self.assertIsNotNone(resp, "closed without a 503")
        status, headers, body = resp
        self.assertEqual(status, 503, body)
        self.assertEqual(headers.get("connection", "").lower(), "close")
        self.assertIn(b"too many connections", body)

    def setUp(self):
        super().setUp()
        wait_for_free_slots(self.server)  # the previous test's connections are closing

    def test_ninth_connection_from_one_address_gets_503(self):
        socks = self.half_headers(8)
        try:
            self.assertRefused()
            self.assertEqual(healthz_from(self.server, "127.0.0.2"), 200)
            refused = metrics(self.server, "127.0.0.2")[
                'friendgraph_http_connections_refused_total{reason="max_connections_per_client"}']
            self.assertGreaterEqual(refused, 1)
        finally:
            for s in socks:
                s.close()
        wait_for_free_slots(self.server)
        self.assertEqual(healthz_from(self.server), 200)

    def test_counts_stay_exact_after_concurrent_churn(self):
        def churn():
            for _ in range(15):
                try:
                    healthz_from(self.server)
                except OSError:
                    pass

        threads = [threading.Thread(target=churn) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_for_free_slots(self.server)
        # Exactly 8 slots again: a leaked count would refuse the 8th, a double release admit
        # the 9th.
        socks = self.half_headers(8)
        try:
            self.assertRefused()
        finally:
            for s in socks:
                s.close()


class SheddingTests(NeteaseCase):
    """Near max_connections, idle kept-alive connections make room; when every slot is busy a
    new connection gets a plain 503. The per-client cap is over max_connections here, so that
    one test address can fill the server."""

    CONFIG = toml_config(CONFIG_APPS, max_connections=20, max_connections_per_client=1000,
                         log_level="warn")
    CREDS = OTHER

    def setUp(self):
        super().setUp()
        wait_for_free_slots(self.server)  # the previous test's connections are closing

    def test_idle_kept_alive_connections_are_shed_for_new_ones(self):
        shed_before = metrics(self.server)["friendgraph_http_connections_shed_total"]
        # Every slot taken (connected before any is idle, so none is shed yet), then every
        # connection kept alive and idle after one request each.
        socks = [self.server.connect() for _ in range(20)]
        try:
            for s in socks:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(read_http_response(s)[0], 200)
            for _ in range(5):
                self.assertEqual(healthz_from(self.server), 200)
            # The connection idle longest went first.
            socks[0].settimeout(POLL_SECONDS)
            self.assertEqual(socks[0].recv(1), b"")
            last = socks[-1]
            last.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_http_response(last)[0], 200)
            self.assertGreaterEqual(
                metrics(self.server)["friendgraph_http_connections_shed_total"] - shed_before, 1)
        finally:
            for s in socks:
                s.close()

    def test_full_of_busy_connections_gets_503(self):
        socks = []
        try:
            for _ in range(20):  # busy: each has sent half a header
                s = self.server.connect()
                s.sendall(b"GET /healthz HTTP/1.1\r\nHo")
                socks.append(s)
            with self.server.connect() as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                status, headers, body = read_http_response(s)
            self.assertEqual(status, 503, body)
            self.assertEqual(headers.get("connection", "").lower(), "close")
            self.assertEqual(healthz_from(self.server, "127.0.0.2"), 503)
        finally:
            for s in socks:
                s.close()
        wait_for_free_slots(self.server)
        m = metrics(self.server)
        self.assertGreaterEqual(
            m['friendgraph_http_connections_refused_total{reason="max_connections"}'], 2)
        self.assertEqual(healthz_from(self.server), 200)


class SignalTests(unittest.TestCase):

    def test_closed_stderr_pipe_does_not_kill_the_server(self):
        data_dir = tempfile.mkdtemp(prefix="friendgraph-e2e-")
        read_end, write_end = os.pipe()
        os.close(read_end)  # every write to stderr now fails with EPIPE (or SIGPIPE)
        config = os.path.join(data_dir, "config.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(toml_config(CONFIG_APPS, log_level="debug"))
        proc = subprocess.Popen(
            [binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--config",
             config], stdout=subprocess.PIPE, stderr=write_end, stdin=subprocess.DEVNULL)
        os.close(write_end)
        lines = queue.Queue()

        def read_stdout():
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        try:
            threading.Thread(target=read_stdout, daemon=True).start()
            server = types.SimpleNamespace(host=None, port=None)
            while True:
                line = lines.get(timeout=20)
                if line is None:
                    self.fail("the server died at start: exit %r" % proc.wait())
                m = LISTEN_RE.match(line.decode())
                if m:
                    server.host, server.port = m.group(1), int(m.group(2))
                    break
            # A remote client makes the server log (debug: a refused request).
            with connect(server) as s:
                s.sendall(b"NOT HTTP\r\n\r\n")
                self.assertEqual(read_http_response(s)[0], 400)
            self.assertEqual(healthz_from(server), 200)
            self.assertIsNone(proc.poll())
            proc.send_signal(signal.SIGTERM)  # logs "event=signal" and "event=stopped"
            self.assertEqual(proc.wait(timeout=20), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            shutil.rmtree(data_dir, ignore_errors=True)

    def test_sighup_drains_and_exits_0(self):
        server = Server().start()
        try:
            ne = netease(server)
            accid = unique()
            self.assertEqual(ne.create_user(accid).code, 200)
            ne.close()
            server.proc.send_signal(signal.SIGHUP)
            self.assertEqual(server.proc.wait(timeout=20), 0)
            with open(server._log_path, encoding="utf-8") as f:
                log = f.read()
            self.assertIn("event=signal signal=%d action=drain" % signal.SIGHUP, log)
            self.assertIn("event=stopped", log)
            # The acknowledged write survived.
            self.assertEqual(server.stop(), 0)
            server.start()
            ne = netease(server)
            self.assertEqual(ne.get_friends(accid).code, 200)
            ne.close()
            self.assertEqual(server.stop(), 0)
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
