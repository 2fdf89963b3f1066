#!/usr/bin/env python3
"""Writes a friend graph as `friendgraph import` reads it (docs/import-export.md): USERS users
(u00000 … u<USERS-1>, named as bench/seed.py names them), then each user's FRIENDS friends, mutual, as edge lines
(user i befriends i±1 … i±FRIENDS/2 around a ring, so every line's reverse is in the file too).
With --random SEED, each user picks FRIENDS/2 random others instead (mutual, so about FRIENDS
friends each, repeats dropped): the rows an import reads are spread over the whole database.

  bench/make_graph.py --users 100000 --friends 50 > graph.jsonl
  bench/make_graph.py --users 100000 --friends 50 --random 7 > random.jsonl
"""

import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--friends", type=int, default=50, help="even; friends per user")
    ap.add_argument("--random", type=int, metavar="SEED", help="random friends, not a ring")
    args = ap.parse_args()
    n, half = args.users, args.friends // 2
    if n <= 2 * half:
        sys.exit("--users must exceed --friends")
    out = sys.stdout
    write = out.write
    for i in range(n):
        write('{"type":"user","account":"u%05d","name":"User %d"}\n' % (i, i))
    if args.random is not None:
        rng = random.Random(args.random)
        friends = [set() for _ in range(n)]
        for i in range(n):
            for _ in range(half):
                j = rng.randrange(n)
                if j != i:
                    friends[i].add(j)
                    friends[j].add(i)
        for i in range(n):
            write("".join('{"type":"friend","owner":"u%05d","peer":"u%05d"}\n' % (i, j)
                          for j in sorted(friends[i])))
        return
    for i in range(n):
        lines = []
        for d in range(1, half + 1):
            lines.append('{"type":"friend","owner":"u%05d","peer":"u%05d"}\n' % (i, (i + d) % n))
            lines.append('{"type":"friend","owner":"u%05d","peer":"u%05d"}\n' % (i, (i - d) % n))
        write("".join(lines))


if __name__ == "__main__":
    main()
