"""The Easemob (环信) dialect's e2e client, and EasemobCase, the base of the Easemob tests.

The client calls the server the way Easemob's server SDKs do: first an app token,
POST /{org}/{app}/token {"grant_type":"client_credentials",…}, then every call with
"Authorization: Bearer <token>", "Accept: application/json" and JSON bodies
("Content-Type: application/json"), on one kept-alive connection.

Credentials come from a config the test generates (harness.toml_config with an "easemob" table,
see CONFIG_APPS) or from <data_dir>/demo-app.toml (the demo app's [apps.easemob] table).

Standard library only; the server side comes from harness.py.
"""

import json
import os
import re
import time
import tomllib
import unittest
import urllib.parse

from harness import JsonReply, KeepAlive, ServerCase, unique

ERROR_KEYS = {"error", "exception", "timestamp", "duration", "error_description"}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PASSWORD = "pw-123456"


class Creds:
    """One app's Easemob credentials: org_name, app_name, client_id, client_secret."""

    def __init__(self, org, app, client_id, client_secret, ttl=None):
        self.org, self.app = org, app
        self.client_id, self.client_secret = client_id, client_secret
        self.ttl = ttl  # the app's token_ttl_seconds, when the test knows it

    def table(self, **extra):
        """The [apps.easemob] table for harness.toml_config."""
        t = {"org_name": self.org, "app_name": self.app, "client_id": self.client_id,
             "client_secret": self.client_secret}
        if self.ttl is not None:
            t["token_ttl_seconds"] = self.ttl
        t.update(extra)
        return t


def read_demo_credentials(data_dir):
    """Creds of the demo app's [apps.easemob] table in DATA_DIR/demo-app.toml; None when the
    binary wrote no such table (it has no Easemob dialect)."""
    with open(os.path.join(data_dir, "demo-app.toml"), "rb") as f:
        doc = tomllib.load(f)
    table = doc["apps"][0].get("easemob")
    if table is None:
        return None
    return Creds(table["org_name"], table["app_name"], table["client_id"],
                 table["client_secret"], table.get("token_ttl_seconds", 5184000))


class Reply(JsonReply):
    """An Easemob answer; error is its "error". creds: the app of the client that got it."""

    def __init__(self, status, body, headers, method=None):
        super().__init__(status, body, headers, method)
        self.creds = None

    @property
    def error(self):
        return self.get("error")


class Easemob:
    """An Easemob client of one app on one keep-alive connection. Not thread-safe: one per thread
    (tokens are plain strings and can be shared: pass token= to the constructor)."""

    def __init__(self, server, creds, token=None):
        self.server = server
        self.creds = creds
        self._token = token
        self._http = KeepAlive(server)

    @property
    def base(self):
        return "/%s/%s" % (self.creds.org, self.creds.app)

    def close(self):
        self._http.close()

    # -- transport -----------------------------------------------------------------------------

    def raw(self, method, path, body=None, headers=None):
        """Sends exactly this request (path from the root; body bytes, str or None) on the
        kept-alive connection."""
        return Reply(*self._http.exchange(method, path, body, headers),
                     "%s %s" % (method, path[:200]))

    def call(self, method, path, body=None, query=None, token=None, headers=None, auth=True,
             base=None):
        """One SDK-style call: path relative to /{org}/{app} (base= overrides that prefix);
        body: a JSON-able object (sent as JSON), bytes/str (sent as is) or None; token: a token
        to send instead of the app token (auth=False: no Authorization header)."""
        url = (self.base if base is None else base) + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body, ensure_ascii=False)
        if auth:
            h["Authorization"] = "Bearer " + (token if token is not None else self.token())
        if headers:
            h.update(headers)
        reply = self.raw(method, url, body, h)
        reply.creds = self.creds
        return reply

    # -- tokens ----------------------------------------------------------------------------------

    def token_call(self, body, base=None):
        """POST /{org}/{app}/token with this body (an object sent as JSON, or bytes/str)."""
        return self.call("POST", "/token", body, auth=False, base=base)

    def app_token_reply(self, ttl=None, client_id=None, client_secret=None):
        body = {"grant_type": "client_credentials",
                "client_id": self.creds.client_id if client_id is None else client_id,
                "client_secret": self.creds.client_secret if client_secret is None
                else client_secret}
        if ttl is not None:
            body["ttl"] = ttl
        return self.token_call(body)

    def token(self):
        """The app token, fetched once (like the SDKs, which cache it until it expires)."""
        if self._token is None:
            r = self.app_token_reply()
            if r.status != 200 or not isinstance(r.get("access_token"), str):
                raise AssertionError("app token refused: %r" % (r,))
            self._token = r["access_token"]
        return self._token

    def user_token_reply(self, username, password=PASSWORD):
        return self.token_call({"grant_type": "password", "username": username,
                                "password": password})

    def user_token(self, username, password=PASSWORD):
        r = self.user_token_reply(username, password)
        if r.status != 200 or not isinstance(r.get("access_token"), str):
            raise AssertionError("user token refused: %r" % (r,))
        return r["access_token"]

    # -- users -----------------------------------------------------------------------------------

    def create_user(self, username, password=PASSWORD, nickname=None, **kw):
        body = {"username": username, "password": password}
        if nickname is not None:
            body["nickname"] = nickname
        return self.call("POST", "/users", body, **kw)

    def create_users(self, users, **kw):
        """users: a list of dicts {username, password, nickname?} sent as one array."""
        return self.call("POST", "/users", users, **kw)

    def get_user(self, username, **kw):
        return self.call("GET", "/users/" + username, **kw)

    def list_users(self, limit=None, cursor=None, **kw):
        q = {}
        if limit is not None:
            q["limit"] = limit
        if cursor is not None:
            q["cursor"] = cursor
        return self.call("GET", "/users", query=q, **kw)

    def set_nickname(self, username, nickname, **kw):
        return self.call("PUT", "/users/" + username, {"nickname": nickname}, **kw)

    def set_password(self, username, newpassword, **kw):
        return self.call("PUT", "/users/%s/password" % username, {"newpassword": newpassword},
                         **kw)

    def delete_user(self, username, **kw):
        return self.call("DELETE", "/users/" + username, **kw)

    def deactivate(self, username, **kw):
        return self.call("POST", "/users/%s/deactivate" % username, **kw)

    def activate(self, username, **kw):
        return self.call("POST", "/users/%s/activate" % username, **kw)

    # -- contacts --------------------------------------------------------------------------------

    def add_contact(self, owner, friend, **kw):
        return self.call("POST", "/users/%s/contacts/users/%s" % (owner, friend), **kw)

    def remove_contact(self, owner, friend, **kw):
        return self.call("DELETE", "/users/%s/contacts/users/%s" % (owner, friend), **kw)

    def set_remark(self, owner, friend, remark, **kw):
        return self.call("PUT", "/user/%s/contacts/users/%s" % (owner, friend),
                         {"remark": remark}, **kw)

    def contacts_page(self, username, limit=None, cursor=None, need_remark=None, **kw):
        q = {}
        if limit is not None:
            q["limit"] = limit
        if cursor is not None:
            q["cursor"] = cursor
        if need_remark is not None:
            q["needReturnRemark"] = need_remark if isinstance(need_remark, str) else (
                "true" if need_remark else "false")
        return self.call("GET", "/user/%s/contacts" % username, query=q, **kw)

    def all_contacts(self, owner, **kw):
        return self.call("GET", "/users/%s/contacts/users" % owner, **kw)

    # -- blocks ----------------------------------------------------------------------------------

    def block(self, owner, usernames, **kw):
        return self.call("POST", "/users/%s/blocks/users" % owner, {"usernames": usernames}, **kw)

    def blocks_page(self, owner, page_size=None, cursor=None, **kw):
        q = {}
        if page_size is not None:
            q["pageSize"] = page_size
        if cursor is not None:
            q["cursor"] = cursor
        return self.call("GET", "/users/%s/blocks/users" % owner, query=q, **kw)

    def unblock(self, owner, blocked, **kw):
        return self.call("DELETE", "/users/%s/blocks/users/%s" % (owner, blocked), **kw)

    # -- shorthands that assert success ------------------------------------------------------------

    def users(self, n, prefix="e", nickname=None):
        """Creates n fresh users (arrays of up to 60, like an SDK's batch call); their names."""
        names = [unique(prefix) for _ in range(n)]
        for i in range(0, n, 60):
            batch = [{"username": u, "password": PASSWORD} for u in names[i:i + 60]]
            if nickname is not None:
                for b in batch:
                    b["nickname"] = nickname
            r = self.create_users(batch)
            if r.status != 200:
                raise AssertionError("creating users failed: %r" % (r,))
        return names

    def friend_names(self, owner):
        """The usernames of all contacts of `owner` (GET …/contacts/users), sorted."""
        r = self.all_contacts(owner)
        if r.status != 200:
            raise AssertionError("contacts of %s: %r" % (owner, r))
        return sorted(r["data"])

    def walk_contacts(self, owner, limit=50, need_remark=None, between=None):
        """All pages of the paged contacts call: a list of {remark, username}. between(i) runs
        after page i (to change the list while walking)."""
        out, cursor, pages = [], None, 0
        while True:
            r = self.contacts_page(owner, limit, cursor, need_remark)
            if r.status != 200:
                raise AssertionError("contacts page %d of %s: %r" % (pages, owner, r))
            out += r["data"]["contacts"]
            pages += 1
            cursor = r.get("cursor")
            if not cursor:
                return out
            if pages > 10000:
                raise AssertionError("contacts of %s: endless pages" % owner)
            if between:
                between(pages - 1)

    def blocked_names(self, owner):
        """The blocklist of `owner`, newest first (GET without parameters)."""
        r = self.blocks_page(owner)
        if r.status != 200:
            raise AssertionError("blocks of %s: %r" % (owner, r))
        return r["data"]


def easemob(server, creds=None):
    """An Easemob client of `server`: the demo app's when no credentials are given."""
    if creds is None:
        creds = read_demo_credentials(server.data_dir)
        if creds is None:
            raise unittest.SkipTest("this friendgraph binary has no Easemob dialect")
    return Easemob(server, creds)


# Apps of the config-file server (harness.toml_config(CONFIG_APPS, …)). Each enables NetEase too,
# so that tests can seed many users fast (NetEase accounts have no password to hash).
MAIN = Creds("acme", "chat", "YXA6mainclientid", "YXA6mainclientsecret", 5184000)
LIMITED = Creds("acme", "limited", "YXA6limitedid", "YXA6limitedsecret", 5184000)
SHORT = Creds("acme", "short", "YXA6shortid", "YXA6shortsecret", 3)  # tokens live 3 s at most
THROTTLED = Creds("acme", "throttled", "YXA6throttledid", "YXA6throttledsecret", 5184000)
OTHER = Creds("otherorg", "chat", "YXA6otherid", "YXA6othersecret", 5184000)

NETEASE = {"main": ("emmainkey", "emmainsecret"), "limited": ("emlimitedkey", "emlimitedsecret"),
           "other": ("emotherkey", "emothersecret")}

CONFIG_APPS = [
    {"name": "main", "max_blocks": 600, "easemob": MAIN.table(),
     "netease": {"app_key": NETEASE["main"][0], "app_secret": NETEASE["main"][1],
                 "rate_limit_per_second": 0}},
    {"name": "limited", "max_friends": 3, "max_blocks": 3, "easemob": LIMITED.table(),
     "netease": {"app_key": NETEASE["limited"][0], "app_secret": NETEASE["limited"][1]}},
    {"name": "short", "easemob": SHORT.table()},
    {"name": "throttled", "easemob": THROTTLED.table(rate_limit_per_second=5)},
    {"name": "other", "easemob": OTHER.table(),
     "netease": {"app_key": NETEASE["other"][0], "app_secret": NETEASE["other"][1]}},
]


class EasemobCase(ServerCase):
    """A ServerCase whose tests call the server through self.em, an Easemob client of the app with
    CREDS (None: the demo app, whose credentials come from demo-app.toml), and check answers with
    assertOk / assertError. The class is skipped, not failed, when the binary has no Easemob
    dialect at all (its config reader refuses the [apps.easemob] table as an unknown key)."""

    CREDS = None

    @classmethod
    def setUpClass(cls):
        try:
            super().setUpClass()
        except AssertionError as e:
            if re.search(r"unknown key 'apps\[\d+\]\.easemob'", str(e)):
                raise unittest.SkipTest("this friendgraph binary has no Easemob dialect")
            raise
        cls.creds = cls.CREDS
        if cls.creds is None:
            cls.creds = read_demo_credentials(cls.server.data_dir)
            if cls.creds is None:
                cls.server.stop()
                cls.server.cleanup()
                raise unittest.SkipTest("this friendgraph binary has no Easemob dialect")

    @classmethod
    def client(cls, creds=None):
        return cls.keep(Easemob(cls.server, creds or cls.creds))

    def setUp(self):
        self.em = self.client()

    def tearDown(self):
        self.assertTrue(self.server.alive(), self.server.log_tail())

    # -- envelope checks ---------------------------------------------------------------------------

    def assertJson(self, reply):
        self.assertIsNotNone(reply.json, "not JSON: %r" % (reply,))
        self.assertTrue(reply.headers.get("content-type", "").startswith("application/json"),
                        (reply.headers, reply))

    def assertOk(self, reply, creds=None, full=True):
        """HTTP 200 with Easemob's success envelope: action = the method in lower case, uri,
        path, timestamp (ms, now), duration (ms), and the app's organization, applicationName and
        application uuid. Returns the JSON."""
        creds = creds or reply.creds or self.em.creds
        self.assertJson(reply)
        self.assertEqual(reply.status, 200, reply)
        j = reply.json
        self.assertIsInstance(j, dict, reply)
        self.assertNotIn("error", j, reply)
        if reply.label:
            self.assertEqual(j.get("action"), reply.label.split(" ")[0].lower(), reply)
        self.assertIsInstance(j.get("timestamp"), int, reply)
        self.assertLess(abs(j["timestamp"] - time.time() * 1000), 60000, reply)
        self.assertIsInstance(j.get("duration"), int, reply)
        self.assertGreaterEqual(j["duration"], 0, reply)
        self.assertIsInstance(j.get("uri"), str, reply)
        self.assertRegex(j["uri"], r"^https?://", reply)
        if full:
            self.assertIn("/%s/%s" % (creds.org, creds.app), j["uri"], reply)
            self.assertIsInstance(j.get("path"), str, reply)
            self.assertTrue(j["path"].startswith("/"), reply)
            self.assertEqual(j.get("organization"), creds.org, reply)
            self.assertEqual(j.get("applicationName"), creds.app, reply)
            self.assertIsInstance(j.get("application"), str, reply)
            self.assertRegex(j["application"], UUID_RE, reply)
        if "entities" not in j and j.get("status") != "ok":
            self.assertIn("data", j, reply)
        return j

    def assertError(self, reply, status, error=None):
        """HTTP `status` with {error, exception, timestamp, duration, error_description}; error
        is the expected Easemob name (a string, a set of accepted ones, or None: any)."""
        self.assertJson(reply)
        self.assertEqual(reply.status, status, reply)
        j = reply.json
        self.assertIsInstance(j, dict, reply)
        self.assertTrue(ERROR_KEYS <= set(j), "missing %s: %r" % (ERROR_KEYS - set(j), reply))
        self.assertIsInstance(j["error"], str, reply)
        self.assertTrue(j["error"], reply)
        self.assertIsInstance(j["exception"], str, reply)
        self.assertIsInstance(j["error_description"], str, reply)
        self.assertTrue(j["error_description"], reply)
        self.assertIsInstance(j["timestamp"], int, reply)
        self.assertIsInstance(j["duration"], int, reply)
        if isinstance(error, str):
            self.assertEqual(j["error"], error, reply)
        elif error is not None:
            self.assertIn(j["error"], error, reply)
        return j

    def assertUserEntity(self, entity, username, nickname=None, activated=True):
        self.assertEqual(entity.get("type"), "user", entity)
        self.assertEqual(entity.get("username"), username, entity)
        self.assertRegex(entity.get("uuid", ""), UUID_RE, entity)
        self.assertIsInstance(entity.get("created"), int, entity)
        self.assertIsInstance(entity.get("modified"), int, entity)
        self.assertGreaterEqual(entity["modified"], entity["created"], entity)
        self.assertIs(entity.get("activated"), activated, entity)
        if nickname is not None:
            self.assertEqual(entity.get("nickname"), nickname, entity)

    def assertOneUser(self, reply, username, **kw):
        """A success whose entities is exactly one user entity; returns it."""
        j = self.assertOk(reply)
        self.assertIsInstance(j.get("entities"), list, reply)
        self.assertEqual(len(j["entities"]), 1, reply)
        self.assertUserEntity(j["entities"][0], username, **kw)
        return j["entities"][0]

    def assertAlive(self):
        self.assertTrue(self.server.alive(), self.server.log_tail())
        self.assertEqual(self.server.healthz(), (200, b"ok\n"))
