"""Declarations in Sources/ that only tests (or tools and examples) use: candidates to move to the test targets.

Usage: python3 Tools/check/test-only.py      (from anywhere; prints one line per candidate, nothing when clean)

A name-level heuristic, not a compiler: a declaration (func, type, property, case; private ones and names of
three letters or fewer skipped) counts as used by the library when its name occurs in Sources/ more often
than it is declared there. What it lists needs a look: a test seam (a parameter that makes a buffer small)
or public API a program calls may stay, and are listed in KEPT with the reason.
"""
import collections
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DECLARATION = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public |internal |package |open |fileprivate )?'
                         r'(?:static |final |override |mutating |nonisolated |convenience )*'
                         r'(?:func|struct|class|enum|protocol|typealias|var|let|case)\s+([A-Za-z_]\w*)')
KEPT = {
    'bufferCapacity': 'LineReader: how much of a line it holds, which a test checks stays small (a seam, not code)',
    'pretrainingProblem': 'ClassificationTrainingOptions: public API a program asks before it runs a job',
}


def read(folders, suffixes):
    return {p: p.read_text(errors='replace') for folder in folders for p in (ROOT / folder).rglob('*')
            if p.suffix in suffixes and '.build' not in p.parts}


def main():
    sources = read(['Sources'], {'.swift'})
    others = read(['Tests', 'Examples', 'Tools'], {'.swift', '.sh'})
    declared = collections.defaultdict(list)
    for path, text in sources.items():
        for number, line in enumerate(text.split('\n'), 1):
            match = DECLARATION.match(line)
            if match and 'private ' not in line and len(match.group(1)) > 3:
                declared[match.group(1)].append(f'{path.relative_to(ROOT)}:{number}')
    library, rest = '\n'.join(sources.values()), '\n'.join(others.values())
    for name, places in sorted(declared.items()):
        word = re.compile(r'\b' + re.escape(name) + r'\b')
        if name not in KEPT and len(word.findall(library)) <= len(places) and word.search(rest):
            print(f'{name}: declared at {", ".join(places)}; used only outside Sources/')


if __name__ == '__main__':
    main()
