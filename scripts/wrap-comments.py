#!/usr/bin/env python3
"""Rewraps comment-only Swift lines (`//` and `///`) longer than WIDTH columns at word boundaries, keeping
their indentation and marker; runs of such lines in one comment are refilled together. Code, string
literals (triple-quoted ones included) and lines with code before a comment are never touched. Usage: wrap-comments.py WIDTH FILE..."""
import re
import sys

width = int(sys.argv[1])
pattern = re.compile(r'^(\s*)(///?)( ?)(.*)$')


def keeps_its_line(text):
    """Markers tools read on their own line (MARK:, TODO, FIXME, swift-format-ignore…)."""
    return text.lstrip().startswith(("MARK:", "TODO", "FIXME", "swift-format-", "swiftlint:"))


def wrap(indent, marker, text):
    prefix = f"{indent}{marker} "
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(prefix) + len(candidate) > width:
            lines.append(prefix + current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(prefix + current)
    return lines


for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        source = handle.read().split("\n")
    out, changed, i, in_string, in_fence = [], False, 0, False, False
    while i < len(source):
        line = source[i]
        match = pattern.match(line)
        # Inside a triple-quoted string literal a line starting with // is text, not a comment; a comment line that
        # shows triple quotes (a doc example) opens no literal.
        if (in_string or not match) and line.replace('\\' + '"' * 3, "").count('"' * 3) % 2 == 1:
            in_string = not in_string
            out.append(line)
            i += 1
            continue
        # A code fence in a doc comment opens or closes an example, whose lines are code, never rewrapped.
        if match and not in_string and match.group(4).lstrip().startswith("```"):
            in_fence = not in_fence
        if (in_string or in_fence or not match or len(line) <= width or match.group(4).startswith(("|", "```"))
                or match.group(4).startswith("    ") or keeps_its_line(match.group(4))):
            out.append(line)
            i += 1
            continue
        indent, marker = match.group(1), match.group(2)
        # The long line and the lines of the same comment paragraph that follow it (same indentation and marker,
        # not blank, not a list item, a table row or a code fence).
        words = [match.group(4).strip()]
        j = i + 1
        while j < len(source):
            nxt = pattern.match(source[j])
            if not nxt or nxt.group(1) != indent or nxt.group(2) != marker:
                break
            raw = nxt.group(4)
            body = raw.strip()
            if (not body or raw.startswith("  ") or body.startswith(("- ", "* ", "|", "```", "#"))
                    or re.match(r"^\d+[.)] ", body) or keeps_its_line(body)):
                break
            words.append(body)
            j += 1
        out.extend(wrap(indent, marker, " ".join(words)))
        changed = True
        i = j
    if changed:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(out))
