#!/usr/bin/env python3
"""Seeds the evaluator fuzzer's corpus with every eval and expect text of
the scenarios: one file each in the directory given."""
import glob
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
n = 0
for path in sorted(glob.glob("scenarios/*/*.json") + glob.glob("tests/cases/*.json")):
    with open(path) as f:
        for step in json.load(f).get("timeline", []):
            for key in ("eval", "expect"):
                if key in step:
                    with open(os.path.join(out, "seed%04d" % n), "w") as g:
                        g.write(step[key])
                    n += 1
print("eval corpus: %d seeds" % n)
