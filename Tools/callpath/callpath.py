"""Files, targets and module switches of the call chains below one function, from `perf script -F ip,sym`.

Usage: callpath.py SCRIPT_TXT BINARY PATTERN   (see README.md)
"""
import collections
import re
import subprocess
import sys

MODULE = re.compile(r'^\$?s(\d+)(S2S\w+)')


def module(symbol):
    """The module of a Swift mangled symbol ("s7S2SCore…" → "S2SCore"), or None."""
    m = MODULE.match(symbol)
    return m.group(2)[:int(m.group(1))] if m else None


def chains(path, pattern):
    """Each sample's frames from the outermost frame matching `pattern` down to the leaf (root first)."""
    block = []
    with open(path, errors='replace') as f:
        for line in f:
            if line.strip():
                parts = line.split(None, 1)
                block.append(re.sub(r'\+0x[0-9a-f]+$', '', parts[1].strip()) if len(parts) > 1 else '')
                continue
            hits = [i for i, name in enumerate(block) if pattern in name]
            if hits:
                yield list(reversed(block[:max(hits) + 1]))
            block = []


def main():
    script, binary, pattern = sys.argv[1:4]
    symbols, samples, back = set(), 0, 0
    switches = collections.Counter()
    for chain in chains(script, pattern):
        samples += 1
        symbols.update(chain)
        modules = [m for m in map(module, chain) if m]
        runs = [m for i, m in enumerate(modules) if i == 0 or modules[i - 1] != m]
        switches[len(runs) - 1] += 1
        if 'S2SCore' in runs and 'S2SModels' in runs[runs.index('S2SCore'):]:
            back += 1
    addresses = {}
    for line in subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            addresses[parts[2]] = parts[0]
    known = [s for s in symbols if s in addresses]
    lines = subprocess.run(['addr2line', '-e', binary] + ['0x' + addresses[s] for s in known],
                           capture_output=True, text=True).stdout.splitlines()
    files = sorted({line.split(':')[0].split('/Sources/')[1] for line in lines if '/Sources/' in line})
    targets = sorted({f.split('/')[0] for f in files})
    print(f'{samples} samples below {pattern}; {len(files)} files in {len(targets)} targets: {", ".join(targets)}')
    for f in files:
        print('  ' + f)
    total = sum(switches.values()) or 1
    mean = sum(k * v for k, v in switches.items()) / total
    print(f'module switches per chain: mean {mean:.1f}, most {max(switches) if switches else 0}; '
          f'chains returning to S2SModels after S2SCore: {back} ({100 * back / total:.1f}%)')


if __name__ == '__main__':
    main()
