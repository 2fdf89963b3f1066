"""Durability and restarts: acknowledged writes survive kill -9; SIGTERM drains and exits 0; the
demo app's credentials and the data persist across restarts; a bad config is refused clearly."""

import itertools
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

from harness import Server, binary, toml_config, unique
from netease_client import netease, read_demo_credentials


class DurabilityTests(unittest.TestCase):

    def setUp(self):
        self.server = Server()
        self.addCleanup(self.server.cleanup)
        self.server.start()

    def make_users(self, ne, n):
        return ne.users(n, prefix="d")

    def run_writers(self, users, threads, stop_after_acks, on_enough):
        """Writers add friend pairs (type 1) until the server goes away. Returns the pairs whose
        call was answered {"code":200}."""
        pairs = list(itertools.combinations(users, 2))
        acked = []
        errors = []
        lock = threading.Lock()
        enough = threading.Event()
        creds = read_demo_credentials(self.server.data_dir)

        def writer(mine):
            ne = netease(self.server, *creds)
            try:
                for a, b in mine:
                    try:
                        r = ne.add(a, b, 1)
                    except OSError:
                        return  # the server is gone
                    if r.status == 503:
                        return  # the server is draining: refused, nothing written
                    if r.status == 200 and r.code == 200:
                        with lock:
                            acked.append((a, b))
                            if len(acked) >= stop_after_acks:
                                enough.set()
                    else:
                        errors.append(r)
                        return
            finally:
                ne.close()
                enough.set()  # ran out of work

        workers = [threading.Thread(target=writer, args=(pairs[i::threads],))
                   for i in range(threads)]
        for w in workers:
            w.start()
        enough.wait(timeout=60)
        on_enough()
        for w in workers:
            w.join(timeout=30)
        self.assertFalse(errors, errors[:3])
        return acked

    def verify(self, ne, users, acked):
        friends = {u: set(ne.friend_names(u)) for u in users}
        for a, b in acked:
            self.assertIn(b, friends[a], "acknowledged add %s->%s lost" % (a, b))
            self.assertIn(a, friends[b], "acknowledged add %s->%s lost (back edge)" % (a, b))
        # Whatever else landed (answered or not) landed whole: never half a type-1 add.
        for a in users:
            for b in friends[a]:
                self.assertIn(a, friends[b], "half friendship %s->%s after a crash" % (a, b))
        return friends

    def test_kill_9_keeps_acknowledged_writes(self):
        ne = netease(self.server)
        users = self.make_users(ne, 40)  # 780 possible pairs
        ne.close()
        acked = self.run_writers(users, threads=6, stop_after_acks=300,
                                 on_enough=self.server.kill)
        self.assertGreaterEqual(len(acked), 300)
        self.server.start()
        ne = netease(self.server)
        try:
            # Acknowledged user creations survived too.
            r = ne.call("user/getUinfos", {"accids": "[%s]" % ",".join('"%s"' % u for u in users)})
            self.assertEqual(len(r["uinfos"]), len(users))
            self.verify(ne, users, acked)
        finally:
            ne.close()

    def test_kill_9_twice_in_a_row(self):
        ne = netease(self.server)
        users = self.make_users(ne, 12)
        ne.close()
        acked = self.run_writers(users, threads=3, stop_after_acks=20, on_enough=self.server.kill)
        self.server.start()
        ne = netease(self.server)
        self.verify(ne, users, acked)
        # Writes after recovery, then another crash.
        a, b = self.make_users(ne, 2)
        self.assertEqual(ne.add(a, b, 1).code, 200)
        self.assertEqual(ne.call("friend/update", {"accid": a, "faccid": b, "alias": "x"}).code,
                         200)
        self.assertIn(ne.delete(users[0], users[1]).code, (200, 404))
        ne.close()
        self.server.kill()
        self.server.start()
        ne = netease(self.server)
        try:
            self.assertEqual(ne.get_by_accid(a, b)["friend"]["alias"], "x")
            self.assertNotIn(users[1], ne.friend_names(users[0]))
        finally:
            ne.close()

    def test_sigterm_drains_and_exits_0(self):
        ne = netease(self.server)
        users = self.make_users(ne, 20)
        ne.close()
        codes = []
        acked = self.run_writers(users, threads=4, stop_after_acks=50,
                                 on_enough=lambda: codes.append(self.server.stop()))
        self.assertEqual(codes, [0], self.server.log_tail())
        self.server.start()
        ne = netease(self.server)
        try:
            self.verify(ne, users, acked)
        finally:
            ne.close()


class RestartTests(unittest.TestCase):

    def test_demo_credentials_and_data_persist(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start()
        self.assertTrue(any("friendgraph listening on http://127.0.0.1:%d" % server.port in line
                            for line in server.stdout_lines))
        creds = read_demo_credentials(server.data_dir)
        mode = os.stat(os.path.join(server.data_dir, "demo-app.toml")).st_mode & 0o777
        self.assertEqual(mode & 0o077, 0, "demo-app.toml holds a secret: not for other users")
        ne = netease(server, *creds)
        a, b = ne.users(2)
        self.assertEqual(ne.add(a, b, 1).code, 200)
        self.assertEqual(ne.call("friend/update", {"accid": a, "faccid": b, "alias": "al"}).code,
                         200)
        self.assertEqual(ne.call("user/setSpecialRelation",
                                 {"accid": a, "targetAcc": b, "relationType": 2,
                                  "value": 1}).code, 200)
        self.assertEqual(ne.add(b, unique_user(ne), 2).code, 200)
        before = ne.get_friends(a).json
        ne.close()
        self.assertEqual(server.stop(), 0, server.log_tail())

        for _ in range(2):
            server.start()
            self.assertEqual(read_demo_credentials(server.data_dir), creds)
            ne = netease(server, *creds)  # the old key and secret still sign valid calls
            self.assertEqual(ne.get_friends(a).json, before)
            self.assertEqual(ne.get_by_accid(b, a)["friend"]["bidirection"], True)
            lists = ne.call("user/listBlackAndMuteList", {"accid": a})
            self.assertEqual((lists["mutelist"], lists["blacklist"]), ([b], []))
            self.assertEqual(ne.create_user(a).code, 414)  # still exists
            ne.close()
            self.assertEqual(server.stop(), 0, server.log_tail())

    def test_fresh_data_dirs_get_different_demo_credentials(self):
        one, two = Server(), Server()
        self.addCleanup(one.cleanup)
        self.addCleanup(two.cleanup)
        one.start()
        two.start()
        self.assertNotEqual(read_demo_credentials(one.data_dir),
                            read_demo_credentials(two.data_dir))
        # One server's credentials mean nothing to the other.
        stranger = netease(two, *read_demo_credentials(one.data_dir))
        self.assertEqual(stranger.get_friends("x").code, 403)
        stranger.close()
        self.assertEqual(one.stop(), 0)
        self.assertEqual(two.stop(), 0)

    def test_config_server_restart_keeps_data(self):
        config = toml_config([{"name": "a", "netease": {"app_key": "k1", "app_secret": "s1"}}])
        server = Server(config_text=config)
        self.addCleanup(server.cleanup)
        server.start()
        self.assertFalse(os.path.exists(os.path.join(server.data_dir, "demo-app.toml")))
        ne = netease(server, "k1", "s1")
        a, b = ne.users(2)
        self.assertEqual(ne.add(a, b, 2).code, 200)
        ne.close()
        self.assertEqual(server.stop(), 0)
        server.start()
        ne = netease(server, "k1", "s1")
        # The pending request survived the restart too.
        self.assertEqual(ne.add(b, a, 3).code, 200)
        self.assertEqual(ne.get_by_accid(a, b)["friend"]["bidirection"], True)
        ne.close()
        self.assertEqual(server.stop(), 0)

    def test_sigterm_with_idle_and_stalled_connections_exits_0(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start()
        ne = netease(server)
        accid = unique()
        self.assertEqual(ne.create_user(accid).code, 200)  # leaves a kept-alive idle connection
        idle = server.connect()
        stalled = server.connect()
        stalled.sendall(b"POST /nimserver/friend/get.action HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 100\r\n\r\naccid=")
        try:
            self.assertEqual(server.stop(), 0, server.log_tail())
        finally:
            idle.close()
            stalled.close()
            ne.close()

    def test_port_in_use_is_refused(self):
        first = Server()
        self.addCleanup(first.cleanup)
        first.start()
        data_dir = tempfile.mkdtemp(prefix="friendgraph-e2e-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        proc = subprocess.run([binary(), "serve", "--listen", "127.0.0.1:%d" % first.port,
                               "--data-dir", data_dir], capture_output=True, timeout=20)
        self.assertEqual(proc.returncode, 1, proc)
        self.assertIn(b"127.0.0.1:%d" % first.port, proc.stderr)
        self.assertEqual(first.healthz()[0], 200)
        self.assertEqual(first.stop(), 0)

    def test_sign_command_prints_working_headers(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start()
        proc = subprocess.run([binary(), "sign", "--data-dir", server.data_dir],
                              capture_output=True, timeout=20)
        self.assertEqual(proc.returncode, 0, proc)
        words = proc.stdout.decode().split()
        self.assertEqual(words[0::2], ["-H"] * 4, words)
        headers = dict(w.split(":", 1) for w in words[1::2])
        self.assertEqual(sorted(headers), ["AppKey", "CheckSum", "CurTime", "Nonce"])
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        ne = netease(server)
        r = ne.raw("/nimserver/user/create.action", "accid=%s" % unique(), headers)
        self.assertEqual((r.status, r.code), (200, 200), r)
        # The dialect named, and one that does not exist.
        named = subprocess.run([binary(), "sign", "--data-dir", server.data_dir,
                                "--dialect", "netease"], capture_output=True, timeout=20)
        self.assertEqual(named.returncode, 0, named)
        self.assertIn(b"-H AppKey:%s " % headers["AppKey"].encode(), named.stdout)
        unknown = subprocess.run([binary(), "sign", "--data-dir", server.data_dir,
                                  "--dialect", "nope"], capture_output=True, timeout=20)
        self.assertEqual(unknown.returncode, 2, unknown)
        self.assertIn(b"unknown dialect 'nope' (known: netease", unknown.stderr)
        ne.close()
        self.assertEqual(server.stop(), 0)

    def test_bad_config_is_refused_clearly(self):
        server = Server(config_text="[[apps]]\nname = \"x\"\nmax_frends = 3\n")
        self.addCleanup(server.cleanup)
        path = os.path.join(server.data_dir, "config.toml")
        with open(path, "w") as f:
            f.write(server.config_text)
        proc = subprocess.run([binary(), "serve", "--listen", "127.0.0.1:0", "--config", path,
                               "--data-dir", server.data_dir],
                              capture_output=True, timeout=20)
        self.assertEqual(proc.returncode, 2, proc)
        self.assertIn(b"max_frends", proc.stderr)
        self.assertNotIn(b"listening", proc.stdout)


def unique_user(ne):
    accid = unique("r")
    assert ne.create_user(accid).code == 200
    return accid


if __name__ == "__main__":
    unittest.main()
