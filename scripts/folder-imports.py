#!/usr/bin/env python3
"""Which feature folders of src/Bot.Web use which others (a `using Bot.Web.X`, or a name qualified with `X.`), and the
circles among them. Prints a Markdown list for the README's architecture section.

    python3 scripts/folder-imports.py            # the list, the circles, and the arrows that point back
    python3 scripts/folder-imports.py --check    # exit 1 when an arrow points back against the layers below
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "Bot.Web")
# Layers from the outside in: a folder may use folders of its own layer index or higher only ("no arrow back").
LAYERS = [
    ["Cli"],
    ["Staff"],
    ["Announcements"],
    ["Channels"],
    ["Conversation"],
    ["DialogRuntime", "Feedback"],
    ["Outbox"],
    ["Knowledge"],
    ["Privacy", "Localization", "Operations", "Configuration", "Data"],
]
SKIP = {"bin", "obj", "Properties", "Migrations"}


def folders():
    return sorted(d for d in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, d)) and d not in SKIP)


def uses(folder, names):
    found = defaultdict(set)
    for base, dirs, files in os.walk(os.path.join(ROOT, folder)):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in files:
            if not name.endswith((".cs", ".cshtml")):
                continue
            path = os.path.join(base, name)
            text = open(path, encoding="utf-8").read()
            text = re.sub(r"//.*", "", text)  # comments name folders without using them
            for other in names:
                if other == folder:
                    continue
                if re.search(r"using Bot\.Web\.%s\b" % other, text) or re.search(r"(?<![\w.])(?:Bot\.Web\.)?%s\.[A-Z]" % other, text) \
                        or re.search(r"Bot\.Web\.%s\." % other, text):
                    found[other].add(os.path.relpath(path, ROOT))
    return found


def main():
    names = folders()
    graph = {f: uses(f, names) for f in names}
    layer = {f: i for i, group in enumerate(LAYERS) for f in group}
    back = []
    print("| folder | uses |")
    print("|---|---|")
    for f in names:
        print("| %s | %s |" % (f, ", ".join("%s (%d)" % (o, len(graph[f][o])) for o in sorted(graph[f])) or "—"))
        for o in graph[f]:
            if f in layer and o in layer and layer[o] < layer[f]:
                back.append((f, o, sorted(graph[f][o])))
    pairs = sorted({tuple(sorted((a, b))) for a in names for b in graph[a] if a in graph.get(b, {})})
    print()
    print("Circles of two: " + (", ".join("%s ↔ %s" % p for p in pairs) if pairs else "none"))
    print("Arrows back against the layers (%s): %d" % (" → ".join("/".join(g) for g in LAYERS), len(back)))
    for f, o, files in back:
        print("- %s → %s: %s" % (f, o, ", ".join(files)))
    if "--check" in sys.argv and back:
        sys.exit(1)


if __name__ == "__main__":
    main()
