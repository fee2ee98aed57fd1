#!/usr/bin/env python3
"""Derive nso-sim's ncs.conf element tree from NSO's public ncs.conf(5) pages and the 6.2.5 YANG tree.

Usage: derive.py MAN_DIR YANG_TREE OUT [--report REPORT]

MAN_DIR holds one ncs.conf(5) page per release (names in PAGES below); YANG_TREE is
`yanglint -f tree tailf-ncs-config.yang` of NSO 6.2.5. See README.md for where they come from.
Python standard library only.
"""
import re
import sys

RELEASES = ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7"]
PAGES = {
    "6.1": "section5-6.1.md", "6.2": "section5-6.2.md", "6.3": "section5-6.3.md", "6.4": "section5-6.4.md",
    "6.5": "ncs.conf.5-6.5.md", "6.6": "ncs.conf.5-6.6.md", "6.7": "ncs.conf.5-6.7.md",
}
YANG_RELEASE = "6.2"

# Releases the project decides itself, overriding the pages (see the header written below).
OVERRIDES = {"/ncs-config/ncs-local-ipc": "6.4"}

# Types the check tests values against; written to the data file under these names.
BASE_TYPES = {
    "boolean": "boolean", "port-number": "port", "inet:port-number": "port",
    "ipv4-address": "ipv4", "ipv6-address": "ipv6",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
}
# Named types the check does not test (any text passes): a leaf with one of these is written "-".
UNCHECKED_TYPES = {
    "string", "uri", "xs:duration", "tailf:size", "tailf:md5-digest-string", "hex8-value-type",
    "hex16-value-type", "hex32-value-type", "dscp-type", "dh-group-size-type", "cli-max",
    "compressed-schema-level-type", "crypt-hash-rounds-type", "inet:ip-prefix", "inet:ip-version",
    "fq-domain-name-with-optional-node-id", "ipv4-address-with-optional-node-id",
    "ipv6-address-with-optional-node-id",
}
ENTRY = re.compile(r"^(/ncs-config[^ ]*)(?: \((.*?)\))?(?: \\\[(.*)\\\])?\s*$")
TREE = re.compile(r"^[ |]*([+xo])--(rw|ro) (\S+)(?:\s+(.*))?$")


def read_page(path):
    """{path: (type, default, description)} from one ncs.conf(5) page."""
    entries, current = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("/ncs-config"):
            m = ENTRY.match(line)
            if not m:
                raise SystemExit(f"{path}: cannot read the entry line {line!r}")
            current = m.group(1)
            entries[current] = [(m.group(2) or "").replace("\\|", "|"), m.group(3), ""]
        elif current and line.startswith(">"):
            entries[current][2] += " " + line[1:].strip()
        elif current and line.startswith("#"):
            current = None
    return {p: tuple(v) for p, v in entries.items()}


def read_tree(path):
    """{path: (kind, status)} from yanglint's tree output; status + current, x deprecated, o obsolete."""
    nodes, stack = {}, []
    for line in open(path, encoding="utf-8"):
        m = TREE.match(line.rstrip())
        if not m:
            continue
        depth = (line.index(m.group(1) + "--") - 2) // 3
        name, rest = m.group(3), (m.group(4) or "").strip()
        if name.endswith("!"):
            name, kind = name[:-1], "container"
        elif name.endswith("?"):
            name, kind = name[:-1], "leaf"
        elif name.endswith("*"):
            name, kind = name[:-1], "list" if rest.startswith("[") else "leaf-list"
        else:
            kind = "leaf" if rest else "container"
        stack = stack[:depth] + [name]
        nodes["/" + "/".join(stack)] = (kind, m.group(1))
    return nodes


def value_type(text):
    """The data file's type column for a page's type text: '-' unless every alternative is checkable."""
    if not text:
        return "-"
    out = []
    for alternative in (a.strip() for a in text.split("|")):
        if alternative in BASE_TYPES:
            out.append(BASE_TYPES[alternative])
        elif alternative in UNCHECKED_TYPES:
            return "-"
        elif ":" in alternative or alternative.endswith(("-type", "-id")):
            raise SystemExit(f"unknown named type {alternative!r}: add it to BASE_TYPES or UNCHECKED_TYPES")
        elif len(text.split("|")) == 1:
            # A lone unknown name is a typedef, not an enumeration of one value.
            raise SystemExit(f"unknown named type {alternative!r}: add it to BASE_TYPES or UNCHECKED_TYPES")
        else:
            out.append("=" + alternative)
    return "|".join(out)


def man_kind(path, entry, interior):
    """(kind, note) from a page alone: note is 'man', or 'lenient' where the text leaves it open."""
    typ, _, text = entry if entry else ("", None, "")
    many = "may be given multiple times" in text
    if typ and not interior:
        return ("leaf-list" if many else "leaf"), "man"
    name, parent = path.rsplit("/", 1)[1], path.rsplit("/", 2)[1]
    if many or "this list" in text or text.strip().startswith("A list of") or parent == name + "s":
        return "list", "lenient"
    return "container", "man"


def releases_text(rels):
    first, last = rels[0], rels[-1]
    if last == RELEASES[-1]:
        return first + "-"
    return first if first == last else f"{first}-{last}"


def main(argv):
    if len(argv) not in (4, 6):
        raise SystemExit(__doc__)
    man_dir, tree_path, out_path = argv[1:4]
    report_path = argv[5] if len(argv) == 6 else None
    pages = {r: read_page(f"{man_dir}/{PAGES[r]}") for r in RELEASES}
    yang = read_tree(tree_path)

    # Per release: every documented path, with the containers the page implies but does not list.
    present, interior = {}, {}
    for r, entries in pages.items():
        paths, parents = set(entries), set()
        for p in entries:
            parts = p.split("/")
            parents.update("/".join(parts[:i]) for i in range(2, len(parts)))
        present[r], interior[r] = paths | parents, parents

    report = []
    man62 = present[YANG_RELEASE]
    report.append(f"# {YANG_RELEASE} page vs 6.2.5 YANG")
    report += [f"only in the {YANG_RELEASE} page: {p}" for p in sorted(man62 - set(yang))]
    report += [f"only in the YANG ({'obsolete' if yang[p][1] == 'o' else yang[p][1]}): {p}" for p in sorted(set(yang) - man62)]

    rows = {}
    for p in sorted(set().union(*present.values()) | set(yang)):
        per_release = []
        for r in RELEASES:
            entry = pages[r].get(p)
            if p in present[r]:
                kind, note = man_kind(p, entry, p in interior[r])
                if p in yang:
                    ykind = yang[p][0]
                    if (ykind in ("leaf", "leaf-list")) == (kind in ("leaf", "leaf-list")):
                        kind, note = ykind, "yang"
                per_release.append((r, kind, value_type(entry[0]) if entry else "-", note))
            elif p in yang and r == YANG_RELEASE:
                # Obsolete in the 6.2.5 YANG, so its page leaves it out; the schema still has it.
                per_release.append((r, yang[p][0], "-", "yang-only"))
            elif p in yang and r == "6.1" and yang[p][1] == "o" and not any(p in present[x] for x in RELEASES):
                # On no page at all: obsolete before 6.2 too, and kept in the schema (lenient).
                per_release.append((r, yang[p][0], "-", "yang-only"))
        override = next((v for k, v in OVERRIDES.items() if p == k or p.startswith(k + "/")), None)
        if override:
            per_release = [x[:3] + ("project",) for x in per_release if RELEASES.index(x[0]) >= RELEASES.index(override)]
        # One row per run of releases with the same shape.
        runs = []
        for r, kind, typ, note in per_release:
            if runs and runs[-1][1:] == (kind, typ, note) and RELEASES.index(runs[-1][0][-1]) + 1 == RELEASES.index(r):
                runs[-1][0].append(r)
            else:
                runs.append(([r], kind, typ, note))
        rows[p] = runs

    report.append("# elements not in every release 6.1-6.7")
    for p, runs in rows.items():
        span = [r for run in runs for r in run[0]]
        if span != RELEASES:
            report.append(f"{p}: {', '.join(releases_text(run[0]) for run in runs)}")
    report.append("# elements whose shape or type changes")
    report += [f"{p}: " + "; ".join(f"{releases_text(r)} {k} {t}" for r, k, t, _ in runs) for p, runs in rows.items() if len(runs) > 1]

    with open(out_path, "w", encoding="utf-8") as out:
        out.write(HEADER.format(releases=" ".join(RELEASES)))
        for p, runs in rows.items():
            for rels, kind, typ, note in runs:
                out.write(f"{p} {kind} {typ} {releases_text(rels)} {note}\n")
    if report_path:
        with open(report_path, "w", encoding="utf-8") as out:
            out.write("\n".join(report) + "\n")


HEADER = """\
# The ncs.conf element tree of each NSO release nso-sim simulates (docs/NSO-NOTES.md §1).
# Generated by tools/ncs-config-tree/derive.py from the public ncs.conf(5) manual pages of
# NSO 6.1 to 6.7 and the 6.2.5 tailf-ncs-config.yang; do not edit by hand, regenerate.
#
# One line per element: PATH KIND TYPE RELEASES SOURCE
#   KIND      container, leaf, leaf-list or list (lists and leaf-lists may repeat).
#   TYPE      what a value is checked against after ${{VAR}} substitution, "-" for any text:
#             alternatives joined by "|": boolean, port, ipv4, ipv6, int8..uint64, or =LITERAL.
#   RELEASES  6.1- (6.1 and later), 6.1-6.4, or 6.7 alone. An element may have several lines
#             when its kind or type changes between releases.
#   SOURCE    yang: kind from the 6.2.5 YANG; man: kind from the manual page;
#             lenient: the page leaves list-or-container open and the list (which may repeat)
#             is taken; yang-only: obsolete in the 6.2.5 YANG and on no page, accepted in 6.1
#             and 6.2 since an obsolete node is still in the schema; project: releases the
#             project decides, see below.
#
# ncs-local-ipc (project): nso-sim treats it as 6.4 and later. The 6.4 release notes introduce
# IPC over Unix sockets, the 6.2.5 YANG has no such container, and 6.3's ncs(1) documents no
# NCS_IPC_PATH. The 6.3 doc branch's page, regenerated for a 2025 6.3 maintenance release, does
# list /ncs-config/ncs-local-ipc (with the default path /var/run/nso/nso-ipc, where 6.4 has
# /tmp/nso/nso-ipc); nso-sim nevertheless refuses it in 6.3, the stricter reading, since no 6.3
# client library can use it.
releases {releases}
"""

if __name__ == "__main__":
    main(sys.argv)
