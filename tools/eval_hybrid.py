#!/usr/bin/env python3
"""eval_hybrid.py VIGIL SHARED_TRAINING [K] -- cross-validates the whole
hybrid coder, not one head: for each of K folds it builds a model with
tools/train_model.sh from the other folds, codes the held-out sentences with
`vigil code --model`, and scores the event Vigil lists first for each
sentence against its label (a sentence with no event counts as wrong):

  five-class sentences  PentaClass of the first event
  story ledes           PLOVER category of the first event

  rater annotations     PLOVER category of the first event, right when a
                        rater's CAMEO root maps to it (sentences no rater
                        coded are left out)
  role spans            direction: of the events whose source and target
                        text each overlaps a source or a target span, the
                        share with the source in a source span

The same sentences coded by the dictionaries alone give the baseline.
For the five-class sentences it also reports how well the hybrid coder's
confidence ranks: the AUC between first events of the right and of a wrong
class.
The rater sentences no rater coded measure the other side: the share of
them that get an event anyway.  Folds are fixed by a seeded shuffle
(--seed), so reruns give the same numbers.  --models=DIR keeps each fold's
model there and reuses it on the next run (to compare decision settings
without retraining).  Needs only the standard library.
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def read_classes(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if "\t" in line:
                text, label = line.rsplit("\t", 1)
                if text.strip() and label.strip():
                    rows.append((text, label.strip()))
    return rows


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def read_bio(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                cur = []
                continue
            tok, tag = line.rsplit(" ", 1) if " " in line else (line, "O")
            cur.append((tok, tag))
    if cur:
        sents.append(cur)
    return sents


def spans(sent, role):
    """Texts of the spans of role S/T (R counts as both)."""
    out, cur = [], []
    for tok, tag in sent + [("", "O")]:
        kind = tag[2:] if tag[:2] in ("B-", "I-") else ""
        if tag.startswith("I-") and cur and kind in (role, "R"):
            cur.append(tok)
            continue
        if cur:
            out.append(" ".join(cur))
            cur = []
        if tag.startswith("B-") and kind in (role, "R"):
            cur = [tok]
    return out


def direction(vigil, sents, model, tmp, one):
    """(right, reversed) over events whose actors both fall in spans; one
    (a list [right, reversed]) counts the events with one side unknown whose
    named side falls in a span of one role only."""
    texts = [" ".join(t for t, _ in s) for s in sents]
    inp = os.path.join(tmp, "r.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "date": "2018-07-01", "text": t}) + "\n")
    cmd = [vigil, "code", "-j", "2", "--format", "jsonl"]
    cmd += ["--model", model] if model else ["--coder", "dict"]
    out = subprocess.run(cmd + [inp], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False).stdout.decode("utf-8")
    right = rev = 0
    for line in out.splitlines():
        e = json.loads(line)
        s = sents[int(e["record"])]
        src = (e["matched"]["source"] or {}).get("text") or ""
        tgt = (e["matched"]["target"] or {}).get("text") or ""
        def inside(x, role):
            return x and any(x in sp or sp in x for sp in spans(s, role))
        if inside(src, "S") and inside(tgt, "T"):
            right += 1
        elif inside(src, "T") and inside(tgt, "S"):
            rev += 1
        elif e["source"] == "---" or e["target"] == "---":
            # one side unknown: is the named side in a span of its role?
            side, role = (tgt, "T") if e["source"] == "---" else (src, "S")
            other = "S" if role == "T" else "T"
            if inside(side, role) and not inside(side, other):
                one[0] += 1
            elif inside(side, other) and not inside(side, role):
                one[1] += 1
    return right, rev


def code(vigil, rows, model, tmp, name):
    """First event of each row (by input order): its penta and plover."""
    inp = os.path.join(tmp, name + ".jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for i, text in enumerate(rows):
            f.write(json.dumps({"id": str(i), "date": "2018-07-01", "text": text}) + "\n")
    cmd = [vigil, "code", "-j", "2", "--format", "jsonl"]
    cmd += ["--model", model] if model else ["--coder", "dict"]
    out = subprocess.run(cmd + [inp], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False).stdout.decode("utf-8")
    first = {}
    for line in out.splitlines():
        e = json.loads(line)
        first.setdefault(int(e["record"]), e)
    return first


def score(first, labels, key):
    right = sum(1 for i, lab in enumerate(labels)
                if i in first and str(first[i].get(key)) == lab)
    coded = sum(1 for i in range(len(labels)) if i in first)
    return right / len(labels), coded / len(labels)


def auc(pairs):
    """Probability that a random right item scores above a random wrong
    one (ties count half): pairs are (right, score)."""
    ranked = sorted(pairs, key=lambda p: p[1])
    pos = sum(1 for r, _ in ranked if r)
    neg = len(ranked) - pos
    if not pos or not neg:
        return float("nan")
    below = 0.0       # sum over right items of the wrong items below them
    i = 0
    neg_seen = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][1] == ranked[i][1]:
            j += 1
        tie_neg = sum(1 for r, _ in ranked[i:j] if not r)
        tie_pos = (j - i) - tie_neg
        below += tie_pos * (neg_seen + tie_neg / 2)
        neg_seen += tie_neg
        i = j
    return below / (pos * neg)


def root_plovers():
    """Root -> PLOVER category of its general code (data/cameo.tsv)."""
    out = {}
    # the ontology is not exposed on the command line: read it from the table
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(here, "data", "cameo.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) > 3 and len(p[0]) == 2:
                out[p[0]] = p[3] or None
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed = 1
    keep = None
    for a in sys.argv[1:]:
        if a.startswith("--seed="):
            seed = int(a.split("=", 1)[1])
        elif a.startswith("--models="):
            keep = a.split("=", 1)[1]
            os.makedirs(keep, exist_ok=True)
    if len(args) < 2:
        sys.exit(__doc__)
    vigil, shared = args[0], args[1]
    k = int(args[2]) if len(args) > 2 else 5
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(here, "training_data.py"), shared, tmp],
                       check=True, stdout=subprocess.DEVNULL)
        classes = read_classes(os.path.join(shared, "conflibert", "cameo_class.train.tsv"))
        stories = read_jsonl(os.path.join(tmp, "ngec.jsonl"))
        anns = read_jsonl(os.path.join(tmp, "annotations.jsonl"))
        plover_of = root_plovers()
        roles = os.path.join(shared, "conflibert", "cameo_ner.train.txt")
        bio = read_bio(roles)
        rfold = [i % k for i in range(len(bio))]
        rng = random.Random(seed)
        cfold = [i % k for i in range(len(classes))]
        sfold = [i % k for i in range(len(stories))]
        afold = [i % k for i in range(len(anns))]
        rng.shuffle(cfold)
        rng.shuffle(sfold)
        rng.shuffle(afold)
        rng.shuffle(rfold)
        dirs = {"hr": 0, "hv": 0, "dr": 0, "dv": 0}
        one = [0, 0]
        tot = {"hp": 0.0, "hc": 0.0, "dp": 0.0, "dc": 0.0, "hl": 0.0, "dl": 0.0, "hs": 0.0,
               "ha": 0.0, "da": 0.0, "hn": 0, "dn": 0}
        ann_scored = sum(1 for a in anns if "root" in a)
        ann_neg = len(anns) - ann_scored
        ranks = []
        for f in range(k):
            ctrain = os.path.join(tmp, "classes.tsv")
            strain = os.path.join(tmp, "stories.jsonl")
            with open(ctrain, "w", encoding="utf-8") as o:
                for (t, l), fo in zip(classes, cfold):
                    if fo != f:
                        o.write("%s\t%s\n" % (t, l))
            with open(strain, "w", encoding="utf-8") as o:
                for s, fo in zip(stories, sfold):
                    if fo != f:
                        o.write(json.dumps(s) + "\n")
            ann = os.path.join(tmp, "ann.jsonl")
            with open(ann, "w", encoding="utf-8") as o:
                for a, fo in zip(anns, afold):
                    if fo != f:
                        o.write(json.dumps(a) + "\n")
            rtrain = os.path.join(tmp, "roles.bio")
            with open(rtrain, "w", encoding="utf-8") as o:
                for s_, fo in zip(bio, rfold):
                    if fo != f:
                        o.write("".join("%s %s\n" % tt for tt in s_) + "\n")
            model = os.path.join(keep or tmp, "fold%d.bin" % f)
            if not keep or not os.path.exists(model):
                subprocess.run([os.path.join(here, "train_model.sh"), vigil, model, ctrain, ann,
                                strain, rtrain], check=True, stderr=subprocess.DEVNULL)
            rtest = [s_ for s_, fo in zip(bio, rfold) if fo == f]
            for key, m_ in (("h", model), ("d", None)):
                r_, v_ = direction(vigil, rtest, m_, tmp, one if m_ else [0, 0])
                dirs[key + "r"] += r_
                dirs[key + "v"] += v_
            ctest = [(t, l) for (t, l), fo in zip(classes, cfold) if fo == f]
            stest = [s for s, fo in zip(stories, sfold) if fo == f]
            w = len(ctest) / len(classes)
            ws = len(stest) / len(stories)
            hfirst = code(vigil, [t for t, _ in ctest], model, tmp, "c")
            hp, hc = score(hfirst, [l for _, l in ctest], "penta")
            ranks += [(str(e.get("penta")) == ctest[i][1], e.get("confidence") or 0)
                      for i, e in hfirst.items()]
            dp, dc = score(code(vigil, [t for t, _ in ctest], None, tmp, "c"),
                           [l for _, l in ctest], "penta")
            hl, hs = score(code(vigil, [s["text"] for s in stest], model, tmp, "s"),
                           [s["plover"] for s in stest], "plover")
            dl, _ = score(code(vigil, [s["text"] for s in stest], None, tmp, "s"),
                          [s["plover"] for s in stest], "plover")
            atest = [a for a, fo in zip(anns, afold) if fo == f and "root" in a]
            aneg = [a for a, fo in zip(anns, afold) if fo == f and "root" not in a]
            for key, m_ in (("h", model), ("d", None)):
                first = code(vigil, [a["text"] for a in atest], m_, tmp, "a")
                tot[key + "a"] += sum(1 for i, a in enumerate(atest) if i in first and
                                      first[i].get("plover") in
                                      {plover_of.get(r) for r in a["root"]}) / max(ann_scored, 1)
                tot[key + "n"] += len(code(vigil, [a["text"] for a in aneg], m_, tmp, "n"))
            for key, v, wt in (("hp", hp, w), ("hc", hc, w), ("dp", dp, w), ("dc", dc, w),
                               ("hl", hl, ws), ("dl", dl, ws), ("hs", hs, ws)):
                tot[key] += v * wt
            print("fold %d: PentaClass hybrid %.3f (dictionaries %.3f); PLOVER hybrid %.3f "
                  "(dictionaries %.3f)" % (f + 1, hp, dp, hl, dl), file=sys.stderr)
        print("%d-fold cross-validation of the hybrid coder (first event of each sentence; "
              "no event counts as wrong)" % k)
        print("five-class sentences (%d): PentaClass accuracy hybrid %.3f, dictionaries %.3f; "
              "sentences with an event: hybrid %.3f, dictionaries %.3f"
              % (len(classes), tot["hp"], tot["dp"], tot["hc"], tot["dc"]))
        print("five-class sentences, hybrid's first events (%d, %d of the right class): the "
              "confidence ranks a right one above a wrong one with AUC %.3f"
              % (len(ranks), sum(1 for r, _ in ranks if r), auc(ranks)))
        print("story ledes (%d): PLOVER accuracy hybrid %.3f, dictionaries %.3f; with an "
              "event: hybrid %.3f" % (len(stories), tot["hl"], tot["dl"], tot["hs"]))
        print("rater annotations (%d): PLOVER accuracy hybrid %.3f, dictionaries %.3f"
              % (ann_scored, tot["ha"], tot["da"]))
        print("rater sentences no rater coded (%d): given an event anyway hybrid %d (%.3f), "
              "dictionaries %d (%.3f)" % (ann_neg, tot["hn"], tot["hn"] / max(ann_neg, 1),
                                          tot["dn"], tot["dn"] / max(ann_neg, 1)))
        print("role spans (%d): direction right hybrid %d of %d (%.3f), dictionaries %d of %d "
              "(%.3f)" % (len(bio), dirs["hr"], dirs["hr"] + dirs["hv"],
                          dirs["hr"] / max(1, dirs["hr"] + dirs["hv"]), dirs["dr"],
                          dirs["dr"] + dirs["dv"], dirs["dr"] / max(1, dirs["dr"] + dirs["dv"])))
        print("role spans, hybrid events with one side unknown: the named side in the right "
              "role %d of %d (%.3f)" % (one[0], one[0] + one[1], one[0] / max(1, sum(one))))


if __name__ == "__main__":
    main()
