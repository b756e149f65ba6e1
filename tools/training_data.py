#!/usr/bin/env python3
"""training_data.py TRAINING_DIR OUT_DIR -- turns the two training sets that
`vigil train` cannot read as they are into its JSON-lines format.

  cameo-annotations.jsonl  ->  OUT_DIR/annotations.jsonl
      {"text", "root": [...]}  the CAMEO roots the raters gave the first
                               action (raters disagree: every root given is
                               allowed), or {"text", "event": false} for a
                               sentence no rater coded
  synthetic-plover-stories-2023-10-19.csv  ->  OUT_DIR/ngec.jsonl
      {"text", "plover"}       the story's first sentence and its category

ConfliBERT's TSV and BIO files are read by `vigil train` directly.  Only the
standard library is used; the output is sorted as the input, so reruns give
the same files.
"""
import csv
import json
import os
import re
import sys


def annotations(src, out):
    n = 0
    with open(src, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            text = " ".join(rec.get("text", "").split())
            if not text:
                continue
            labels = rec.get("labels") or []
            if not labels:
                o.write(json.dumps({"text": text, "event": False}) + "\n")
                n += 1
                continue
            first = min(l.get("action", 1) for l in labels)
            roots = set()
            for l in labels:
                if l.get("action", 1) != first:
                    continue
                m = re.match(r"\s*\d+\s*-\s*(\d+)", l.get("cameo", ""))
                if m and 1 <= int(m.group(1)) <= 20:
                    roots.add("%02d" % int(m.group(1)))
            if roots:
                o.write(json.dumps({"text": text, "root": sorted(roots)}) + "\n")
                n += 1
    return n


SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[\"'\u201c\u2018]?[A-Z])")


def lede(text):
    """The first sentence of a story: up to the first end of sentence that is
    not an abbreviation or an initial."""
    text = " ".join(text.split())
    for m in SENTENCE_END.finditer(text):
        before = text[:m.start()].rstrip("\"'\u201d\u2019")
        word = before.split()[-1] if before.split() else ""
        if re.fullmatch(r"(?:[A-Z]\.)+|Mr\.|Mrs\.|Ms\.|Dr\.|St\.|Gen\.|Lt\.|Col\.|Sgt\.|"
                        r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|No\.|U\.S\.|U\.N\.",
                        word):
            continue
        return text[:m.start()].strip()
    return text


def ngec(src, out):
    n = 0
    with open(src, encoding="utf-8", newline="") as f, open(out, "w", encoding="utf-8") as o:
        for row in csv.DictReader(f):
            text = lede(row.get("text", ""))
            label = (row.get("label") or "").strip().upper()
            if len(text) < 20 or not label:
                continue
            o.write(json.dumps({"text": text, "plover": label}) + "\n")
            n += 1
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    a = annotations(os.path.join(src, "conflibert", "cameo-annotations.jsonl"),
                    os.path.join(dst, "annotations.jsonl"))
    g = ngec(os.path.join(src, "ngec", "synthetic-plover-stories-2023-10-19.csv"),
             os.path.join(dst, "ngec.jsonl"))
    print("training_data: %d annotated sentences, %d story ledes" % (a, g))


if __name__ == "__main__":
    main()
