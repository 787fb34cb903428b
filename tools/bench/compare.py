"""`python -m tools.bench.compare`: the benchmark of two builds, in alternating runs, as medians and ratios.

    python -m tools.bench.compare --base main --pairs 3 -- --postgres --no-floor

The base is a git revision, checked out in a temporary worktree; the candidate is this working tree,
uncommitted changes included. Every run is `python -m tools.bench` with the arguments after `--`,
with this interpreter, one run at a time, in ABBA blocks (`alternating`). It prints a Markdown table
(each run's figure, each side's median, the ratio candidate/base of every pair and their median) and
writes everything to `var/bench/compare-<UTC time>.json`, each run's log beside it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone

from shared.config import ROOT, VAR_DIR
from tools.bench import alternating


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.bench.compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD",
                        help="the git revision to compare against (default HEAD: the last commit against "
                             "the uncommitted changes)")
    parser.add_argument("--pairs", type=int, default=3, help="pairs of runs (default 3)")
    parser.add_argument("--out", default=None,
                        help="folder for the figures and logs (default var/bench/compare-<time>)")
    parser.add_argument("bench_args", nargs=argparse.REMAINDER,
                        help="after --: every run's arguments (see python -m tools.bench --help)")
    args = parser.parse_args(argv)
    if args.bench_args[:1] == ["--"]:
        args.bench_args = args.bench_args[1:]
    if args.pairs < 1:
        parser.error("--pairs: at least one pair")
    if any(arg == "--json" or arg.startswith("--json=") for arg in args.bench_args):
        parser.error("--json: every run's figures go to the --out folder")
    if "--cluster" in args.bench_args:
        parser.error("--cluster: a run's report is two reports there; compare one kind of queue at a time")
    return args


def _git(*arguments):
    return subprocess.run(["git", *arguments], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


@contextmanager
def checkout(revision):
    """The revision in a temporary git worktree, removed after."""
    folder = tempfile.mkdtemp(prefix="bench-base-")
    _git("worktree", "add", "--detach", folder, revision)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", folder], cwd=ROOT, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def run_once(folder, bench_args, figures_path, log_path):
    """One `python -m tools.bench` in `folder`; its report, or None if it failed (the log says why)."""
    with open(log_path, "w") as log:
        finished = subprocess.run([sys.executable, "-m", "tools.bench", *bench_args, "--json", figures_path],
                                  cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    if finished.returncode != 0:
        return None
    with open(figures_path) as figures:
        return json.load(figures)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    out = args.out or os.path.join(VAR_DIR, "bench", "compare-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    os.makedirs(out, exist_ok=True)
    changed = " with uncommitted changes" if _git("status", "--porcelain") else ""
    described = {"base": f"{args.base} ({_git('rev-parse', '--short', args.base)})",
                 "candidate": f"working tree of {_git('rev-parse', '--short', 'HEAD')}{changed}",
                 "bench_args": args.bench_args}
    print(f"-- {described['candidate']} against {described['base']}, {args.pairs} pair(s): "
          f"python -m tools.bench {' '.join(args.bench_args)}", flush=True)
    reports = {}
    with checkout(args.base) as base:
        for pair, side in alternating.order(args.pairs):
            name = f"{pair + 1}-{side}"
            report = run_once(base if side == alternating.A else ROOT, args.bench_args,
                              os.path.join(out, f"{name}.json"), os.path.join(out, f"{name}.log"))
            if report is None:
                print(f"-- run {name} failed: see {os.path.join(out, name + '.log')}", file=sys.stderr)
                return 1
            reports[(pair, side)] = report
            print(f"-- run {name} done", flush=True)
    result = alternating.summary(reports)
    print(alternating.table(result))
    with open(os.path.join(out, "comparison.json"), "w") as written:
        json.dump({**described, "figures": result}, written, indent=2, ensure_ascii=False)
    print(f"figures written to {os.path.join(out, 'comparison.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
