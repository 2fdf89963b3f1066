"""The data directory: one server at a time (a second one on the same directory exits 1 and says
who holds it), a directory the server cannot use is named as such at start, and the demo app's
credentials file is private and a valid config."""

import os
import shutil
import subprocess
import tempfile
import tomllib
import unittest

from harness import Server, binary

NOBODY = 65534


def serve(data_dir, prefix=(), **kw):
    """Runs `friendgraph serve` expected to refuse to start: returns the finished process."""
    return subprocess.run(list(prefix) + [binary(), "serve", "--listen", "127.0.0.1:0",
                                          "--data-dir", data_dir],
                          capture_output=True, timeout=20, stdin=subprocess.DEVNULL, **kw)


class DataDirLockTests(unittest.TestCase):

    def test_second_server_on_one_data_dir_is_refused(self):
        first = Server()
        self.addCleanup(first.cleanup)
        first.start()
        second = serve(first.data_dir)
        self.assertEqual(second.returncode, 1, second)
        self.assertIn(b"data directory %s is in use by another friendgraph process (pid %d)" %
                      (first.data_dir.encode(), first.proc.pid), second.stderr)
        self.assertNotIn(b"listening", second.stdout)
        # The first one is untouched, and once it is gone (even by kill -9) the directory is free.
        self.assertEqual(first.healthz(), (200, b"ok\n"))
        first.kill()
        first.start()
        self.assertEqual(first.healthz(), (200, b"ok\n"))
        self.assertEqual(first.stop(), 0, first.log_tail())


class UnusableDataDirTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="friendgraph-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def assertRefused(self, proc, message):
        self.assertEqual(proc.returncode, 1, proc)
        self.assertIn(message.encode(), proc.stderr)
        self.assertNotIn(b"unable to open database file", proc.stderr)

    def test_a_file_is_not_a_directory(self):
        path = os.path.join(self.tmp, "file")
        with open(path, "w") as f:
            f.write("x")
        self.assertRefused(serve(path), "data directory %s is not a directory" % path)
        self.assertRefused(serve(os.path.join(path, "data")),
                           "data directory %s/data cannot be created: not a directory" % path)

    def test_read_only_file_system(self):
        # A read-only mount in a private mount namespace: needs root (or user namespaces).
        data_dir = os.path.join(self.tmp, "ro")
        os.mkdir(data_dir)
        script = 'mount -t tmpfs -o ro tmpfs "$1" && exec "$2" serve --listen 127.0.0.1:0 ' \
                 '--data-dir "$1"'
        try:
            proc = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", data_dir, binary()],
                                  capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            self.skipTest("no unshare(1)")
        if b"event=" not in proc.stderr:
            self.skipTest("cannot mount a read-only file system here: %r" % proc.stderr)
        self.assertRefused(proc, "data directory %s is not writable: read-only file system" %
                           data_dir)

    def test_permission_denied(self):
        data_dir = os.path.join(self.tmp, "locked")
        os.mkdir(data_dir)
        os.chmod(data_dir, 0o555)
        os.chmod(self.tmp, 0o755)  # others may reach data_dir, not write in it
        setuid = None
        if os.geteuid() == 0:
            # Permission bits do not stop root: the server runs as nobody instead.
            def setuid():
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
        proc = serve(data_dir, preexec_fn=setuid)
        if b"event=" not in proc.stderr:
            self.skipTest("the binary cannot run as nobody here: %r" % proc.stderr)
        self.assertRefused(proc, "data directory %s is not writable: permission denied" %
                           data_dir)


class DemoFileTests(unittest.TestCase):

    def test_demo_file_is_private_complete_and_a_config(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start()
        path = os.path.join(server.data_dir, "demo-app.toml")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.exists(path + ".tmp"))
        with open(path, "rb") as f:
            config = tomllib.load(f)
        self.assertEqual(len(config["apps"]), 1)
        app = config["apps"][0]
        self.assertEqual(app["name"], "demo")
        dialects = [k for k, v in app.items() if isinstance(v, dict)]
        self.assertIn("netease", dialects)
        self.assertEqual(server.stop(), 0)
        # And the server takes it as a config file.
        with open(path, encoding="utf-8") as f:
            copy = Server(config_text=f.read())
        self.addCleanup(copy.cleanup)
        copy.start()
        self.assertEqual(copy.stop(), 0, copy.log_tail())


if __name__ == "__main__":
    unittest.main()
