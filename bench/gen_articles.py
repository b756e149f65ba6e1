#!/usr/bin/env python3
"""gen_articles.py -- writes N synthetic news articles as JSON lines for
`vigil ingest` (bench/scale.sh, docs/scaling.md).

Each article has 1-5 sentences drawn from event templates (two actors from
45 countries and a verb phrase the default dictionaries code) and filler
sentences that code nothing, with a date that advances through the run
(DAYS days in all, so that every day has about N/DAYS articles, as a
stream would), a source from 40 outlets, a URL and a title.  The mix is
seeded: the same N, SEED and DAYS give the same bytes.

    bench/gen_articles.py N [--seed S] [--days D] [--start YYYY-MM-DD] > articles.jsonl
"""
import argparse
import datetime
import json
import random
import sys

COUNTRIES = [
    ("Russia", "Russian"), ("Ukraine", "Ukrainian"), ("France", "French"),
    ("Germany", "German"), ("Israel", "Israeli"), ("Iran", "Iranian"),
    ("China", "Chinese"), ("Brazil", "Brazilian"), ("Kenya", "Kenyan"),
    ("India", "Indian"), ("Japan", "Japanese"), ("Turkey", "Turkish"),
    ("Greece", "Greek"), ("Egypt", "Egyptian"), ("Sudan", "Sudanese"),
    ("Ethiopia", "Ethiopian"), ("Serbia", "Serbian"), ("Kosovo", "Kosovar"),
    ("Pakistan", "Pakistani"), ("Afghanistan", "Afghan"), ("Syria", "Syrian"),
    ("Iraq", "Iraqi"), ("Lebanon", "Lebanese"), ("Jordan", "Jordanian"),
    ("Mexico", "Mexican"), ("Colombia", "Colombian"), ("Venezuela", "Venezuelan"),
    ("Nigeria", "Nigerian"), ("Mali", "Malian"), ("Somalia", "Somali"),
    ("Poland", "Polish"), ("Hungary", "Hungarian"), ("Italy", "Italian"),
    ("Spain", "Spanish"), ("Canada", "Canadian"), ("Australia", "Australian"),
    ("Indonesia", "Indonesian"), ("Vietnam", "Vietnamese"), ("Thailand", "Thai"),
    ("Philippines", "Philippine"), ("Armenia", "Armenian"), ("Azerbaijan", "Azerbaijani"),
    ("Georgia", "Georgian"), ("Libya", "Libyan"), ("Yemen", "Yemeni"),
]
ACTOR = ["{C}", "{C}", "the {A} government", "{A} troops", "{A} police", "the {A} president",
         "{A} officials", "the {A} foreign minister", "{A} rebels", "{A} protesters"]
VERB = [
    "{S} attacked villages in {T}.", "{S} condemned {T}.", "{S} met with {T} in {P}.",
    "{S} accused {T} of supporting militants.", "{S} signed a trade agreement with {T}.",
    "{S} praised {T} for its aid.", "{S} threatened to impose sanctions on {T}.",
    "{S} hosted talks with {T}.", "{S} criticized {T} over the border dispute.",
    "{S} arrested {T} near {P}.", "{S} agreed to cooperate with {T}.",
    "{S} rejected a proposal from {T}.", "{S} demanded that {T} withdraw its forces.",
    "{S} promised economic aid to {T}.", "{S} expelled diplomats from {T}.",
    "{S} fired rockets at {T}.", "{S} called for negotiations with {T}.",
    "{S} warned {T} against further escalation.", "{S} visited {T} on {D}.",
    "{S} appealed to {T} for humanitarian assistance.",
]
FILLER = [
    "Officials said the weather was cold.", "The meeting lasted three hours.",
    "Markets closed slightly higher on the day.", "Further details were not released.",
    "The statement was published late in the evening.", "Analysts expect more talks next month.",
    "The report was based on interviews with residents.", "Traffic was heavy in the capital.",
]
DAYS_OF_WEEK = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PLACES = ["the capital", "Geneva", "Brussels", "Vienna", "Doha", "Istanbul", "Cairo", "Nairobi"]
SOURCES = ["Outlet %02d" % i for i in range(40)]


def actor(rnd, c):
    return rnd.choice(ACTOR).format(C=c[0], A=c[1])


def sentence(rnd):
    if rnd.random() < 0.3:
        return rnd.choice(FILLER)
    s, t = rnd.sample(COUNTRIES, 2)
    text = rnd.choice(VERB).format(S=actor(rnd, s), T=actor(rnd, t), P=rnd.choice(PLACES),
                                   D=rnd.choice(DAYS_OF_WEEK))
    return text[0].upper() + text[1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=20231)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--start", default="2023-01-01")
    a = ap.parse_args()
    print("gen_articles.py: %d articles, seed %d, %d days from %s" % (a.n, a.seed, a.days, a.start),
          file=sys.stderr)
    rnd = random.Random(a.seed)
    start = datetime.date.fromisoformat(a.start)
    out = sys.stdout
    for i in range(a.n):
        k = rnd.randint(1, 5)
        text = " ".join(sentence(rnd) for _ in range(k))
        src = rnd.choice(SOURCES)
        day = start + datetime.timedelta(days=i * a.days // a.n)
        out.write(json.dumps({"id": "gen-%08d" % i, "date": day.isoformat(), "source": src,
                              "url": "https://example.org/%s/%08d" % (src[-2:], i),
                              "title": text[:60], "text": text}) + "\n")


if __name__ == "__main__":
    main()
