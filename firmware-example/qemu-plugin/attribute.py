#!/usr/bin/env python3
"""Attributes the instructions counted by insn_between to recresp's source files.

    attribute.py DISASSEMBLY BLOCKS FRAMES

DISASSEMBLY is `llvm-objdump -d -l` of the firmware (each run of instructions is preceded by
the innermost source location it came from, inlined code included); BLOCKS is the plugin's
`hist=` file (block address, instructions in the block, instructions counted); FRAMES is the
number of 10 ms frames the counts cover.

Code of the Rust core library and of other crates inlined into recresp's code (integer
helpers, slice iterators, bounds checks) is counted for the recresp or firmware source file
that precedes it in the same function: an approximation, since inlined helpers usually sit
next to their caller's code. Prints instructions per frame by source file, largest first.
"""
import re
import sys

dis_path, blocks_path, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])

symbol = re.compile(r"^[0-9a-f]+ <(.+)>:$")
location = re.compile(r"^; (/\S+?):\d+")
insn = re.compile(r"^\s+([0-9a-f]+):\s")


def own_file(path):
    """A short name for a recresp or firmware source file, else None."""
    for marker, prefix in (("/core/src/", "core/src/"), ("/firmware-example/src/", "firmware-example/src/")):
        if marker in path and "/rustc/" not in path and "/registry/" not in path:
            return prefix + path.split(marker, 1)[1]
    return None


owner_of = {}
current, fallback = "?", "?"
with open(dis_path) as f:
    for line in f:
        m = insn.match(line)
        if m:
            owner_of[int(m.group(1), 16)] = current
            continue
        m = location.match(line)
        if m:
            current = own_file(m.group(1)) or (current if current != "?" else fallback)
            continue
        m = symbol.match(line)
        if m:
            name = m.group(1)
            if "compiler_builtins" in name or name.startswith("__aeabi") or name.startswith("mem"):
                fallback = "compiler-builtins (memset, memcpy, 64-bit division)"
            else:
                fallback = "other: " + name
            current = fallback
addrs = sorted(owner_of)
position = {a: i for i, a in enumerate(addrs)}

spent = {}
with open(blocks_path) as f:
    for line in f:
        start, n, counted = line.split()
        start, n, counted = int(start, 16), int(n), int(counted)
        runs = counted // max(n, 1)
        i = position.get(start)
        for k in range(n):
            owner = owner_of[addrs[i + k]] if i is not None and i + k < len(addrs) else "?"
            spent[owner] = spent.get(owner, 0) + runs

total = sum(spent.values())
print(f"{'per frame':>10} {'share':>6}  source file")
for name, count in sorted(spent.items(), key=lambda x: -x[1]):
    if count * 200 >= total:
        print(f"{count / frames:10.0f} {100 * count / total:5.1f}%  {name}")
print(f"{total / frames:10.0f} 100.0%  total")
