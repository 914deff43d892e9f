"""Files, targets and module switches of the call chains below one function, from `perf script -F ip,sym`.

Usage: callpath.py SCRIPT_TXT BINARY PATTERN [--markdown TITLE]   (see README.md)

With --markdown it prints the path as a Markdown section for Docs/callpaths.md instead: the way in (the
most common chain from the program's entry down to PATTERN) and every file below it, in the order the
chains reach it, with its share of the samples and its most sampled functions.
"""
import collections
import re
import subprocess
import sys

MODULE = re.compile(r'^\$?s(\d+)(S2S\w+)')
NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def module(symbol):
    """The module of a Swift mangled symbol ("s7S2SCore…" → "S2SCore"), or None."""
    m = MODULE.match(symbol)
    return m.group(2)[:int(m.group(1))] if m else None


def chains(path, pattern):
    """Each sample's whole chain (root first) and the index of the outermost frame matching `pattern`."""
    block = []
    with open(path, errors='replace') as f:
        for line in f:
            if line.strip():
                parts = line.split(None, 1)
                block.append(re.sub(r'\+0x[0-9a-f]+$', '', parts[1].strip()) if len(parts) > 1 else '')
                continue
            hits = [i for i, name in enumerate(block) if pattern in name]
            if hits:
                chain = list(reversed(block))
                yield chain, len(block) - 1 - max(hits)
            block = []


def source_files(binary, symbols):
    """symbol → file under Sources/ (target/…), from the binary's symbol table and line tables."""
    addresses = {}
    for line in subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            addresses[parts[2]] = parts[0]
    known = sorted(s for s in symbols if s in addresses)
    lines = subprocess.run(['addr2line', '-e', binary] + ['0x' + addresses[s] for s in known],
                           capture_output=True, text=True).stdout.splitlines()
    return {s: line.split(':')[0].split('/Sources/')[1] for s, line in zip(known, lines) if '/Sources/' in line}


def function_names(symbols):
    """symbol → the bare name of the Swift function it belongs to ("backward"), or None."""
    swift = sorted(s for s in symbols if module(s))
    out = subprocess.run(['swift', 'demangle', '--simplified', '--compact'], input='\n'.join(swift),
                         capture_output=True, text=True).stdout.splitlines()
    names = {}
    for symbol, text in zip(swift, out):
        text = re.sub(r'^((specialized|partial apply for|merged|outlined \w+ of|closure #\d+ .*? in|'
                      r'implicit closure #\d+ .*? in|thunk for|reabstraction thunk .*? to) )+', '', text)
        head = text.split('(')[0].split(' ')[-1].split('.')[-1] if '(' in text else ''
        # Functions only (accessors and initialisers have no `func NAME` for the docs check to find).
        names[symbol] = head if NAME.match(head) and not head.startswith('__') and head not in ('init', 'deinit', 'subscript') else None
    return names


def main():
    script, binary, pattern = sys.argv[1:4]
    title = sys.argv[5] if sys.argv[4:5] == ['--markdown'] else None
    symbols, samples, back = set(), 0, 0
    switches, prefixes = collections.Counter(), collections.Counter()
    depth, through, calls = {}, collections.Counter(), collections.Counter()
    chain_list = []
    for chain, start in chains(script, pattern):
        samples += 1
        below = chain[start:]
        symbols.update(chain)
        chain_list.append((chain, start))
        modules = [m for m in map(module, below) if m]
        runs = [m for i, m in enumerate(modules) if i == 0 or modules[i - 1] != m]
        switches[len(runs) - 1] += 1
        if 'S2SCore' in runs and 'S2SModels' in runs[runs.index('S2SCore'):]:
            back += 1
    files_of = source_files(binary, symbols)
    for chain, start in chain_list:
        seen = set()
        for d, symbol in enumerate(chain[start:]):
            f = files_of.get(symbol)
            if f is None:
                continue
            depth[f] = min(depth.get(f, d), d)
            if f not in seen:
                seen.add(f); through[f] += 1
            calls[(f, symbol)] += 1
        prefixes[tuple(files_of.get(s) for s in chain[:start] if files_of.get(s))] += 1
    files = sorted(through)
    targets = sorted({f.split('/')[0] for f in files})
    total = sum(switches.values()) or 1
    mean = sum(k * v for k, v in switches.items()) / total
    if title is None:
        print(f'{samples} samples below {pattern}; {len(files)} files in {len(targets)} targets: {", ".join(targets)}')
        for f in files:
            print('  ' + f)
        print(f'module switches per chain: mean {mean:.1f}, most {max(switches) if switches else 0}; '
              f'chains returning to S2SModels after S2SCore: {back} ({100 * back / total:.1f}%)')
        return
    names = function_names({s for (_, s) in calls})
    way_in = []
    for f in (prefixes.most_common(1)[0][0] if prefixes else ()):
        if f.lower().startswith('s2s') and (not way_in or way_in[-1] != f):   # not the packages'
            way_in.append(f)
    print(f'## {title}\n')
    print(f'{samples} samples below `{pattern}`: {len(files)} files in {len(targets)} targets ({", ".join(targets)}); '
          f'module switches along a chain: {mean:.1f} on average, {max(switches) if switches else 0} at most; '
          f'chains back into S2SModels after S2SCore: {100 * back / total:.0f}%.\n')
    print('The way in: ' + ' → '.join(f'`{f}`' for f in way_in) + '\n')
    print('| file | samples through it | its most sampled functions |')
    print('|---|---:|---|')
    for f in sorted(files, key=lambda f: (depth[f], -through[f], f)):
        top = collections.Counter()
        for (g, s), n in calls.items():
            if g == f and names.get(s):
                top[names[s]] += n
        functions = ', '.join(f'`{n}`' for n, _ in top.most_common(3)) if f.endswith('.swift') else ''
        print(f'| `{f}` | {100 * through[f] / samples:.0f}% | {functions} |')
    print()


if __name__ == '__main__':
    main()
