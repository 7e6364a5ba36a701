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
# Channels is two kinds of node: each channel's folder (Channels/Telegram, …: its webhook, adapter, sender), which is
# outermost, and the seam at the root of Channels/ (what a message to send is, how a send ended), which is low: the
# bot's features send through it without naming a channel. The files at the root of src/Bot.Web (the composition
# root: BotApplication, ChannelSetup, OptionsRegistry, Program) may use everything and are not a node.
LAYERS = [
    ["Cli"],
    ["Staff", "Channels/Telegram", "Channels/WhatsApp", "Channels/WebChat"],
    ["Conversation"],
    ["DialogRuntime", "Feedback"],
    ["Announcements"],
    ["Outbox"],
    ["Knowledge"],
    ["Channels"],
    ["State", "Access", "Privacy", "Localization", "Operations", "Configuration", "Data"],
]
SKIP = {"bin", "obj", "Properties", "Migrations"}


def folders():
    names = []
    for d in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, d)
        if not os.path.isdir(path) or d in SKIP:
            continue
        names.append(d)
        names += ["%s/%s" % (d, s) for s in sorted(os.listdir(path)) if d == "Channels" and os.path.isdir(os.path.join(path, s))]
    return names


def files_of(node, names):
    """The .cs and .cshtml files of a node (a folder without the sub-folders that are nodes of their own)."""
    top = os.path.join(ROOT, node)
    for base, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP and os.path.relpath(os.path.join(base, d), ROOT) not in names]
        for name in files:
            if name.endswith((".cs", ".cshtml")):
                yield os.path.join(base, name)


def pattern(other, names):
    """A `using` of the node's namespace, or a name qualified with it (Channels.X where X is not a channel's folder)."""
    ns = other.replace("/", r"\.")
    subs = [n.split("/")[1] for n in names if n.startswith(other + "/")]
    not_sub = "(?!(?:%s)\\b)" % "|".join(subs) if subs else ""
    return re.compile(r"using Bot\.Web\.%s;|(?<![\w.])(?:Bot\.Web\.)?%s\.%s[A-Z]" % (ns, ns, not_sub))


def uses(folder, names):
    found = defaultdict(set)
    patterns = {o: pattern(o, names) for o in names if o != folder}
    for path in files_of(folder, names):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"//.*", "", text)  # comments name folders without using them
        for other, regex in patterns.items():
            if folder.startswith(other + "/") and not regex.search(text):
                continue
            if regex.search(text):
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
