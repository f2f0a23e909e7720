#!/usr/bin/env python3
"""Times `tangent serve`: from saving a notebook to its re-rendered page being served.

Copies notebooks/ (and the block cache, if there is one) into a temporary project, starts
`tangent serve` on a free port, and N times appends a sentence to one notebook, then polls the
page until the sentence is there. Prints each time and the median. The first render fills the
cache when it is empty, so run `tangent run notebooks` first for a quick start.

    python3 benchmarks/time-serve.py [--tangent .build/release/tangent] [--notebook NAME] [-n 7]
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--tangent", default=os.path.join(root, ".build/release/tangent"))
ap.add_argument("--notebook", default="01-what-is-the-ntk.md")
ap.add_argument("-n", type=int, default=7)
args = ap.parse_args()
args.tangent = os.path.abspath(args.tangent)

project = tempfile.mkdtemp(prefix="tangent-serve-bench-")
try:
    shutil.copytree(os.path.join(root, "notebooks"), os.path.join(project, "notebooks"))
    cache = os.path.join(root, ".tangent/cache")
    if os.path.isdir(cache):
        shutil.copytree(cache, os.path.join(project, ".tangent/cache"))
    open(os.path.join(project, "tangent.toml"), "w").close()
    out = open(os.path.join(project, "serve.log"), "w+")
    server = subprocess.Popen([args.tangent, "serve", "notebooks", "--port", "0"], cwd=project,
                              stdout=out, stderr=subprocess.DEVNULL)
    start = time.time()
    url = None
    while url is None:
        if server.poll() is not None:
            sys.exit("tangent serve exited: " + open(out.name).read())
        for line in open(out.name):
            if line.startswith("serving "):
                url = line.split()[1]
        time.sleep(0.05)
    print(f"first render and start: {time.time() - start:.2f} s")
    page = url + args.notebook.replace(".md", ".html")
    notebook = os.path.join(project, "notebooks", args.notebook)
    times = []
    for k in range(args.n):
        marker = f"Live-preview marker {k} {time.time()}."
        with open(notebook, "a") as f:
            saved = time.time()
            f.write("\n" + marker + "\n")
        while True:
            body = urllib.request.urlopen(page).read().decode()
            if marker in body:
                break
            time.sleep(0.01)
        times.append(time.time() - saved)
        print(f"try {k + 1}: {times[-1] * 1000:.0f} ms")
    print(f"median of {args.n}: {statistics.median(times) * 1000:.0f} ms ({args.notebook}, {args.tangent})")
    server.terminate()
    print(f"exit status after SIGTERM: {server.wait()}")
finally:
    shutil.rmtree(project, ignore_errors=True)
