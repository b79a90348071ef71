#!/usr/bin/env python3
"""Attributes the instructions counted by insn_between to source files.

    attribute.py DISASSEMBLY HISTOGRAM FRAMES

DISASSEMBLY is `llvm-objdump -d -l` of the firmware (line comments name the innermost
source location of each instruction, inlined code included); HISTOGRAM is the plugin's
`hist=` file (block address, instructions in the block, instructions counted). Prints the
instructions per frame spent in each source file, largest first.
"""
import re
import sys

dis, hist, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])

# Instruction addresses in order, each with the source file it came from.
insn = re.compile(r"^\s+([0-9a-f]+):\s")
source = re.compile(r"^; (/\S+?):\d+")
addrs, files, where = [], [], "?"
with open(dis) as f:
    for line in f:
        m = source.match(line)
        if m:
            where = m.group(1)
            continue
        m = insn.match(line)
        if m:
            addrs.append(int(m.group(1), 16))
            files.append(where)
index = {a: i for i, a in enumerate(addrs)}


def label(path):
    for marker in ("/core/src/", "/firmware-example/src/"):
        if marker in path:
            return path.split(marker, 1)[1] if marker == "/core/src/" else "firmware: " + path.split(marker, 1)[1]
    if "compiler_builtins" in path or "compiler-builtins" in path:
        return "compiler-builtins (memclr, memcpy, 64-bit division)"
    if "/library/core/" in path:
        return "Rust core library (inlined)"
    if "/registry/src/" in path:
        return "crate " + path.split("/registry/src/", 1)[1].split("/")[1]
    return path


spent = {}
with open(hist) as f:
    for line in f:
        start, n, counted = line.split()
        start, n, counted = int(start, 16), int(n), int(counted)
        runs = counted // max(n, 1)
        i = index.get(start)
        for k in range(n):
            name = label(files[i + k]) if i is not None and i + k < len(files) else "?"
            spent[name] = spent.get(name, 0) + runs
total = sum(spent.values())
print(f"{'per frame':>10} {'share':>6}  source")
for name, count in sorted(spent.items(), key=lambda x: -x[1]):
    if count * 1000 >= total:
        print(f"{count / frames:10.0f} {100 * count / total:5.1f}%  {name}")
print(f"{total / frames:10.0f} 100.0%  total ({frames} frames)")
