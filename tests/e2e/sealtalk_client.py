"""The SealTalk dialect's e2e client, and SealTalkCase, the base of its tests.

The client talks like the SealTalk mobile apps talk to their app server (the open-source
sealtalk-server, github.com/rongcloud/sealtalk-server): JSON bodies

    POST /user/login
    Content-Type: application/json
    User-Agent: SealTalk/… (the peer reads it on every request)

and one cookie jar per client. The login cookie, `rong_auth_cookie`, comes in a Set-Cookie of
/user/register and /user/login and goes back in `Cookie:` on every later call; a Set-Cookie with
Max-Age=0 (or below) or an Expires in the past clears it. Domain, Path and Secure are not checked:
the tests talk to 127.0.0.1.

Answers: success is HTTP 200 `{"code":200,"result":…}` (application/json; charset=utf-8,
Cache-Control: private); an app-level refusal is HTTP 200 with another code (1000, 1001, 5000…);
a request error is HTTP 400/403/404/413/429 with a short text body (text/html; charset=utf-8).

Phones: new_phone() gives "138" + 8 digits, unique within this run, never 13800000001 (which a test
may give to a NetEase-created user).

Standard library only; the server side comes from harness.py.
"""

import datetime
import email.utils
import http.client
import itertools
import json
import random
import urllib.parse

from harness import JsonReply, ServerCase

COOKIE = "rong_auth_cookie"
DEV_CODE = "123456"  # the app's dev_verification_code in the tests' configs
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/html; charset=utf-8"
NOT_LOGGED_IN = "Not loged in."  # sic: the peer's text
USER_AGENT = "SealTalk/2.2.0 (iPhone; iOS 14.0; Scale/3.00)"
PASSWORD = "pass123456"

# Starts high enough that "138" + 8 digits never meets 13800000001.
_phones = itertools.count(random.randrange(10_000_000, 90_000_000, 1000))


def new_phone():
    """A fresh mainland mobile number, "138" + 8 digits, unique within this run."""
    return "138%08d" % next(_phones)


def parse_set_cookie(line):
    """(name, value, attributes with lower-cased names) of one Set-Cookie header value."""
    parts = line.split(";")
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name.strip(), value.strip(), attrs


def cookie_expired(attrs, now=None):
    """Whether a Set-Cookie with these attributes removes the cookie: Max-Age (which wins over
    Expires, RFC 6265 §5.3) of 0 or less, or an Expires date not in the future."""
    if "max-age" in attrs:
        try:
            return int(attrs["max-age"]) <= 0
        except ValueError:
            pass  # an unparsable Max-Age is ignored (RFC 6265 §5.2.2)
    if "expires" in attrs:
        try:
            when = email.utils.parsedate_to_datetime(attrs["expires"])
        except (TypeError, ValueError, IndexError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        now = now or datetime.datetime.now(datetime.timezone.utc)
        return when <= now
    return False


class Reply(JsonReply):
    """A SealTalk answer. code: the JSON "code" (None for a text answer); result: the JSON
    "result" (None when absent); text: the body as text; set_cookies: every Set-Cookie header
    value; sent: the request body as the test gave it (to check that errors do not echo it)."""

    def __init__(self, status, body, headers, label=None, set_cookies=(), sent=None):
        super().__init__(status, body, headers, label)
        self.set_cookies = list(set_cookies)
        self.sent = sent

    @property
    def code(self):
        return self.get("code")

    @property
    def result(self):
        return self.get("result")

    @property
    def text(self):
        return self.raw.decode("utf-8", "replace")

    def cookie(self, name=COOKIE):
        """(value, attributes) of the last Set-Cookie of `name` in this answer, or None."""
        found = None
        for line in self.set_cookies:
            n, v, attrs = parse_set_cookie(line)
            if n == name:
                found = (v, attrs)
        return found


class SealTalk:
    """One app user's SealTalk client: a cookie jar and one kept-alive connection. Not
    thread-safe: clone() gives another connection with a copy of the jar (the same login).

    After signup() or a successful login(), user_id, region, phone and password are the user's."""

    def __init__(self, server, prefix="", cookies=None):
        self.server = server
        self.prefix = prefix  # path before /user/…, /friendship/… ("" : at the root)
        self.cookies = dict(cookies or {})
        self.user_id = None
        self.region = None
        self.phone = None
        self.password = None
        self.nickname = None
        self._conn = None

    # -- connection and cookies ------------------------------------------------------------------

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def clone(self):
        """Another client of the same login on its own connection (for threads)."""
        c = SealTalk(self.server, self.prefix, self.cookies)
        for k in ("user_id", "region", "phone", "password", "nickname"):
            setattr(c, k, getattr(self, k))
        return c

    @property
    def cookie(self):
        """The login cookie's value, or None."""
        return self.cookies.get(COOKIE)

    def with_cookie(self, value):
        """A new client whose jar holds only this login cookie value (None: no cookie)."""
        c = SealTalk(self.server, self.prefix, {} if value is None else {COOKIE: value})
        c.user_id = self.user_id
        return c

    def _take_cookies(self, lines):
        for line in lines:
            name, value, attrs = parse_set_cookie(line)
            if not name:
                continue
            if cookie_expired(attrs):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def _exchange(self, method, path, body, headers):
        """(status, body bytes, headers lower-cased, Set-Cookie values) on the kept-alive
        connection, opened again once if the server closed it between two requests."""
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.server.host, self.server.port,
                                                        timeout=30)
            try:
                self._conn.request(method, path, body=body, headers=headers)
                resp = self._conn.getresponse()
                data = resp.read()
                cookies = resp.msg.get_all("Set-Cookie") or []
                got = (resp.status, data, {k.lower(): v for k, v in resp.getheaders()}, cookies)
                if resp.will_close:
                    self.close()
                return got
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise

    def request(self, method, path, body=None, *, raw_body=None, headers=None, cookies=True):
        """One call. path from the dialect's root ("/user/login"); body: a JSON-able object
        (None: no body on GET, {} on POST); raw_body: bytes or str sent as is instead; headers:
        added or replacing the app's (a None value drops one); cookies=False sends no Cookie.
        The answer's Set-Cookie headers update the jar."""
        h = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        data = None
        if raw_body is not None:
            data = raw_body.encode("utf-8") if isinstance(raw_body, str) else raw_body
            h["Content-Type"] = "application/json"
        elif body is not None or method == "POST":
            data = json.dumps({} if body is None else body, ensure_ascii=False).encode("utf-8")
            h["Content-Type"] = "application/json"
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        for name, value in (headers or {}).items():
            if value is None:
                h.pop(name, None)
            else:
                h[name] = value
        status, raw, hdrs, set_cookies = self._exchange(method, self.prefix + path, data, h)
        self._take_cookies(set_cookies)
        return Reply(status, raw, hdrs, "%s %s" % (method, path), set_cookies,
                     body if raw_body is None else raw_body)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    # -- the account calls -----------------------------------------------------------------------

    def send_code(self, region, phone):
        return self.post("/user/send_code", {"region": region, "phone": phone})

    def verify_code(self, region, phone, code=DEV_CODE):
        return self.post("/user/verify_code", {"region": region, "phone": phone, "code": code})

    def register(self, nickname, password, token):
        return self.post("/user/register", {"nickname": nickname, "password": password,
                                            "verification_token": token})

    def verification_token(self, region, phone):
        """send_code then verify_code with the dev code; the verification_token."""
        _expect(self.send_code(region, phone), "send_code")
        return _expect(self.verify_code(region, phone), "verify_code")["verification_token"]

    def signup(self, phone, password, nickname, region="86"):
        """send_code → verify_code (the dev code) → register; the new user's id. The jar then
        holds the login cookie."""
        token = self.verification_token(region, phone)
        user_id = _expect(self.register(nickname, password, token), "register")["id"]
        self.user_id, self.region, self.phone = user_id, region, phone
        self.password, self.nickname = password, nickname
        return user_id

    def login(self, region, phone, password):
        """/user/login; on success the jar holds the new cookie and user_id is the user's."""
        r = self.post("/user/login", {"region": region, "phone": phone, "password": password})
        if r.status == 200 and r.code == 200 and isinstance(r.result, dict):
            self.user_id = r.result.get("id")
            self.region, self.phone, self.password = region, phone, password
        return r

    def logout(self):
        return self.post("/user/logout", {})

    # -- shorthands for the friendship calls -----------------------------------------------------

    def invite(self, friend_id, message=None):
        body = {"friendId": friend_id}
        if message is not None:
            body["message"] = message
        return self.post("/friendship/invite", body)

    def agree(self, friend_id):
        return self.post("/friendship/agree", {"friendId": friend_id})

    def ignore(self, friend_id):
        return self.post("/friendship/ignore", {"friendId": friend_id})

    def delete(self, friend_id):
        return self.post("/friendship/delete", {"friendId": friend_id})

    def block(self, friend_id):
        return self.post("/user/add_to_blacklist", {"friendId": friend_id})

    def unblock(self, friend_id):
        return self.post("/user/remove_from_blacklist", {"friendId": friend_id})

    def all(self):
        return self.get("/friendship/all")

    def profile(self, friend_id):
        return self.get("/friendship/%s/profile" % urllib.parse.quote(friend_id, safe=""))

    def user(self, user_id):
        return self.get("/user/%s" % urllib.parse.quote(user_id, safe=""))


def _expect(reply, what):
    """The result of a call that must succeed ({} when it has none)."""
    if reply.status != 200 or reply.code != 200:
        raise AssertionError("%s failed: %r" % (what, reply))
    return reply.result if reply.result is not None else {}


class SealTalkCase(ServerCase):
    """A ServerCase whose tests drive the server through SealTalk clients (client(), user()) and
    check answers with assertOk / assertCode / assertError."""

    PREFIX = ""  # where the dialect's paths start

    @classmethod
    def client(cls):
        """A fresh client with an empty jar, closed with the class."""
        return cls.keep(SealTalk(cls.server, cls.PREFIX))

    def user(self, nickname=None, password=PASSWORD, phone=None):
        """A fresh registered, logged-in user's client."""
        c = self.client()
        c.signup(phone or new_phone(), password, nickname or "st%d" % random.randrange(10**6))
        return c

    def tearDown(self):
        self.assertTrue(self.server.alive(), self.server.log_tail())

    @classmethod
    def tearDownClass(cls):
        healthy = cls.server.alive() and cls.server.healthz() == (200, b"ok\n")
        super().tearDownClass()
        if not healthy:
            raise AssertionError("/healthz did not answer 200 ok at the end of the class")

    # -- the envelope ----------------------------------------------------------------------------

    def assertJson(self, reply, code):
        """HTTP 200, exactly `application/json; charset=utf-8`, Cache-Control: private, a JSON
        object with this code and nothing but code and result. Returns the JSON."""
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.headers.get("content-type", "").lower(), JSON_TYPE, reply.headers)
        self.assertEqual(reply.headers.get("cache-control"), "private", reply.headers)
        self.assertIsInstance(reply.json, dict, reply)
        self.assertEqual(reply.json.get("code"), code, reply)
        self.assertLessEqual(set(reply.json), {"code", "result"}, reply)
        return reply.json

    def assertOk(self, reply):
        """A success; returns its result (None when the answer has none)."""
        return self.assertJson(reply, 200).get("result")

    def assertBare(self, reply):
        """A success with nothing to say: exactly {"code":200}."""
        self.assertEqual(self.assertJson(reply, 200), {"code": 200}, reply)

    def assertCode(self, reply, code):
        """An app-level refusal: HTTP 200 with this code and no result."""
        j = self.assertJson(reply, code)
        self.assertNotIn("result", j, reply)
        return j

    def assertError(self, reply, status, text=None, forbid=()):
        """A request error: this HTTP status, a short text body (exactly `text` when given) typed
        text/html; charset=utf-8, not JSON, echoing none of the request's strings (4+ characters)
        nor any string of `forbid`. Returns the text."""
        self.assertEqual(reply.status, status, reply)
        self.assertEqual(reply.headers.get("content-type", "").lower(), TEXT_TYPE, reply.headers)
        body = reply.text
        self.assertTrue(body.strip(), reply)
        self.assertLessEqual(len(body), 200, reply)
        self.assertNotIsInstance(reply.json, (dict, list), reply)
        if text is not None:
            self.assertEqual(body, text, reply)
        for s in list(_strings(reply.sent)) + list(forbid):
            if isinstance(s, str) and len(s) >= 4:
                self.assertNotIn(s, body, "the error echoes input %r: %r" % (s, reply))
        return body

    def assertNotLoggedIn(self, reply):
        self.assertError(reply, 403, NOT_LOGGED_IN)


def _strings(obj):
    """Every string in a JSON-able object (keys excluded), or the text of a raw body."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)
