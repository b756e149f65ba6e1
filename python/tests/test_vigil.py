# test_vigil.py -- the Python package against libvigil and the vigil
# program: the seed article and the bundled examples code as `vigil code`
# codes them, a store reads as `vigil series` / `alerts` and SQL say,
# DataFrames, bad input as Python exceptions, a store read while another
# process ingests, an older store upgraded.  Run with
#   VIGIL_LIBRARY=build/libvigil.so PYTHONPATH=python python3 -m unittest discover -s python/tests
# from the repository (tests/packages/python.sh does).  Environment:
# VIGIL (the program, default build/vigil), VIGIL_SHARED (default
# ../shared; the seed tests skip without it).
import datetime
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import warnings

import vigil

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIL = os.path.abspath(os.environ.get("VIGIL") or os.path.join(ROOT, "build", "vigil"))
SHARED = os.environ.get("VIGIL_SHARED") or os.path.join(ROOT, "..", "shared")
SEED = os.path.join(SHARED, "seed", "kosovo-nato-2023.txt")
EXAMPLES = os.path.join(ROOT, "examples")
ENV = dict(os.environ, VIGIL_GAZETTEER="/nonexistent")

try:
    import pandas
except ImportError:
    pandas = None


def cli(*args, stdin=None):
    r = subprocess.run([VIGIL, *args], capture_output=True, text=True, env=ENV, input=stdin,
                       timeout=300)
    if r.returncode not in (0, 1):
        raise AssertionError("vigil %s: %s" % (" ".join(args), r.stderr[-500:]))
    return r.stdout


def cli_events(*args):
    return [json.loads(l) for l in cli("code", *args).splitlines() if l.strip()]


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def example_records():
    recs = []
    for p in sorted(glob.glob(os.path.join(EXAMPLES, "*.jsonl"))):
        with open(p, encoding="utf-8") as f:
            recs += [json.loads(l) for l in f if l.strip()]
    return recs


class Coding(unittest.TestCase):
    def test_seed_same_as_cli(self):
        if not os.path.exists(SEED):
            self.skipTest("no seed article (%s)" % SEED)
        want = cli_events("--format", "text", "--date", "2023-09-29", SEED)
        with open(SEED, encoding="utf-8") as f:
            got = vigil.code(f.read(), date="2023-09-29")
        self.assertGreater(len(want), 5)
        # every field but the record id (the CLI's is the file name)
        self.assertEqual([without(e, "record") for e in got], [without(e, "record") for e in want])
        self.assertTrue(all(e["record"] == "" for e in got))
        codes = {e["code"] for e in got}
        self.assertTrue({"110", "193", "192", "041"} <= codes, codes)
        self.assertTrue(any(e["issues"] for e in got))

    def test_seed_date_forms(self):
        text = "Serbian police attacked Kosovo police on Sunday."
        a = vigil.code(text, date="2023-09-29")
        b = vigil.code(text, date=datetime.date(2023, 9, 29))
        c = vigil.code(text, date=datetime.datetime(2023, 9, 29, 12, 0))
        self.assertTrue(a)
        self.assertEqual(a, b)
        self.assertEqual(a, c)

    def test_fields(self):
        ev = vigil.code("Serbian police attacked Kosovo police on Sunday.", "2023-09-29",
                        id="a1", source="AFP", url="https://example.org/1", title="T")
        self.assertTrue(ev)
        e = ev[0]
        for k in ("record", "sentence_no", "date", "source", "target", "code", "root", "quad",
                  "penta", "goldstein", "plover", "method", "confidence", "issues", "sentence",
                  "matched"):
            self.assertIn(k, e)
        self.assertEqual((e["record"], e["source_name"], e["url"], e["title"]),
                         ("a1", "AFP", "https://example.org/1", "T"))
        self.assertIn(e["method"], ("dictionary", "both", "model"))

    def test_examples_same_as_cli(self):
        recs = example_records()
        self.assertGreater(len(recs), 20)
        want = []
        for p in sorted(glob.glob(os.path.join(EXAMPLES, "*.jsonl"))):
            want += cli_events(p)
        got = vigil.code_many(recs, jobs=2)
        self.assertEqual(len(got), len(want))
        self.assertEqual(got, want)

    def test_code_many_threads_same_as_one(self):
        recs = [(r["text"], r["date"]) for r in example_records()]
        one = vigil.code_many(recs, jobs=1)
        two = vigil.code_many(recs, jobs=2)
        four = vigil.code_many(recs, jobs=4)
        self.assertTrue(one)
        self.assertEqual(one, two)
        self.assertEqual(one, four)
        self.assertEqual(sorted({e["record"] for e in one}, key=int)[0], "0")

    def test_dictionaries_only(self):
        text = "Serbian police attacked Kosovo police on Sunday."
        ev = vigil.code(text, "2023-09-29", model=False)
        self.assertTrue(ev)
        self.assertTrue(all(e["method"] == "dictionary" and e["confidence"] is None for e in ev))
        src = os.path.join(tempfile.mkdtemp(prefix="vigil-py-"), "a.txt")
        with open(src, "w") as f:
            f.write(text)
        want = cli_events("--format", "text", "--date", "2023-09-29", "--coder", "dict", src)
        shutil.rmtree(os.path.dirname(src))
        self.assertEqual([without(e, "record") for e in ev], [without(e, "record") for e in want])

    def test_other_dictionaries(self):
        cfg = os.path.join(SHARED, "suites", "petrarch", "PETR_config.validate.ini")
        if not os.path.exists(cfg):
            self.skipTest("no PETRARCH suite in ../shared")
        d = vigil.Dictionaries(cfg)
        ev = vigil.code("Israeli soldiers attacked Palestinian militants in Gaza.", "2008-08-01",
                        dictionaries=d)
        self.assertIsInstance(ev, list)
        self.assertTrue(all(e["method"] == "dictionary" for e in ev))

    def test_empty_and_odd_text(self):
        self.assertEqual(vigil.code("", "2023-09-29"), [])
        # a lone surrogate is not UTF-8: it is repaired, never a crash
        self.assertIsInstance(vigil.code("Serbia \ud800 attacked Kosovo.", "2023-09-29"), list)
        self.assertIsInstance(vigil.code("x" * 200000, "2023-09-29"), list)


class BadInput(unittest.TestCase):
    def test_bytes_refused(self):
        with self.assertRaises(TypeError) as cm:
            vigil.code(b"Serbian police attacked Kosovo police.", "2023-09-29")
        self.assertIn("decode", str(cm.exception))

    def test_wrong_types(self):
        for bad in (None, 42, ["text"], {"text": "x"}):
            with self.assertRaises(TypeError):
                vigil.code(bad, "2023-09-29")
        with self.assertRaises(TypeError):
            vigil.code("text", 20230929)
        with self.assertRaises(TypeError):
            vigil.code("text", "2023-09-29", source=5)
        with self.assertRaises(TypeError):
            vigil.Coder(bogus=1)
        with self.assertRaises(TypeError):
            vigil.code_many("one string is not records")
        with self.assertRaises(ValueError):
            vigil.code_many([], jobs=0)

    def test_bad_dates(self):
        for bad in ("2023-13-01", "2023-02-30", "yesterday", "29/09/2023", ""):
            with self.assertRaises(vigil.DateError) as cm:
                vigil.code("Serbia attacked Kosovo.", bad)
            self.assertIsInstance(cm.exception, ValueError)

    def test_code_many_bad_record(self):
        recs = [("Serbian police attacked Kosovo police.", "2023-09-29"),
                ("Serbian police attacked Kosovo police.", "not a date"), b"bytes",
                {"text": "Kosovo accused Serbia.", "date": "2023-09-30", "id": "k"}]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ev = vigil.code_many(recs, jobs=2)
        self.assertEqual(len(w), 2, [str(x.message) for x in w])
        self.assertIn("record 1", str(w[0].message))
        self.assertEqual({e["record"] for e in ev}, {"0", "k"})
        with self.assertRaises(vigil.DateError):
            vigil.code_many(recs, errors="raise")
        self.assertEqual(vigil.code_many(recs, errors="skip"), ev)

    def test_missing_files(self):
        with self.assertRaises(FileNotFoundError):
            vigil.Dictionaries("/nonexistent/PETR_config.ini")
        with self.assertRaises(ValueError):
            vigil.Dictionaries("/etc/passwd")
        with self.assertRaises(FileNotFoundError):
            vigil.Coder(model="/nonexistent/model.bin")
        with self.assertRaises(ValueError):
            vigil.Coder(model=__file__)          # not a model


class StoreTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vigil-py-")
        cls.db = os.path.join(cls.tmp, "examples.db")
        cli("ingest", "--db", cls.db, EXAMPLES)
        cls.sql = sqlite3.connect(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.sql.close()
        shutil.rmtree(cls.tmp)

    def test_events(self):
        with vigil.Store(self.db) as st:
            ev = st.events()
            n = self.sql.execute("SELECT count(*) FROM events").fetchone()[0]
            self.assertGreater(n, 50)
            self.assertEqual(len(ev), n)
            self.assertEqual([e["id"] for e in ev],
                             [r[0] for r in self.sql.execute("SELECT id FROM events ORDER BY date, id")])
            dy = st.events("SRB-KSV", since="2023-09-20", until=datetime.date(2023, 9, 30))
            want = self.sql.execute(
                "SELECT id FROM events WHERE ((source LIKE 'SRB%' AND target LIKE 'KSV%') OR "
                "(source LIKE 'KSV%' AND target LIKE 'SRB%')) AND date BETWEEN '2023-09-20' AND "
                "'2023-09-30' ORDER BY date, id").fetchall()
            self.assertTrue(want)
            self.assertEqual([e["id"] for e in dy], [r[0] for r in want])
            e = dy[0]
            for k in ("id", "date", "date_precision", "source", "target", "code", "quad",
                      "goldstein", "method", "confidence", "issues", "place", "mentions",
                      "sentence", "matched", "first_seen"):
                self.assertIn(k, e)
            stored = dict((r[0], r[1:]) for r in self.sql.execute(
                "SELECT id, method, confidence, issues FROM events"))
            for e in ev:
                m, c, i = stored[e["id"]]
                self.assertEqual((e["method"], e["confidence"], e["issues"]), (m, c, json.loads(i)))
            self.assertTrue(any(e["issues"] for e in ev))
            self.assertEqual(len(st.events(limit=3, order="newest")), 3)
            models = st.events(method="model")
            self.assertEqual(len(models), self.sql.execute(
                "SELECT count(*) FROM events WHERE method = 'model'").fetchone()[0])
            self.assertTrue(all(e["confidence"] >= 0.9 for e in st.events(min_confidence=0.9)))
            self.assertTrue(all(e["quad"] >= 3 for e in st.events(conflict=True)))

    def test_series_and_alerts_same_as_cli(self):
        with vigil.Store(self.db) as st:
            s = st.series("SRB-KSV", by="week")
            want = json.loads(cli("series", "--db", self.db, "--dyad", "SRB-KSV", "--by", "week",
                                  "--format", "json"))
            both = [r for r in s if r["direction"] == "both"]
            self.assertEqual([r["period"] for r in both], want["periods"])
            self.assertEqual([r["events"] for r in both], want["both"]["events"])
            self.assertEqual([r["conflict"] for r in both],
                             [a + b for a, b in zip(want["both"]["q3"], want["both"]["q4"])])
            self.assertEqual(len(s), 3 * len(want["periods"]))
            m = st.series("SRB-KSV", by="month", since="2023-08-01", until="2023-10-31")
            self.assertEqual(sorted({r["period"] for r in m}), ["2023-08", "2023-09", "2023-10"])
            al = st.alerts()
            self.assertEqual(list(al), json.loads(cli("alerts", "--db", self.db, "--format", "json")))
            self.assertTrue(al)
            self.assertEqual(st.alerts(since="2100-01-01"), [])
            self.assertEqual([a["start"] for a in st.alerts(dyad="SRB-KSV")],
                             [a["start"] for a in al if a["dyad"] == "KSV-SRB"])

    @unittest.skipIf(pandas is None, "no pandas (apt-get install python3-pandas)")
    def test_pandas(self):
        with vigil.Store(self.db) as st:
            df = st.events(as_frame=True)
            self.assertEqual(len(df), len(st.events()))
            self.assertEqual(str(df["date"].dtype), "datetime64[ns]")
            self.assertEqual(str(df["id"].dtype), "int64")
            self.assertEqual(str(df["goldstein"].dtype), "float64")
            self.assertEqual(str(df["method"].dtype), "category")
            s = st.series("SRB-KSV", by="week").to_pandas()
            self.assertEqual(str(s["period"].dtype), "datetime64[ns]")
            self.assertEqual(int(s[s.direction == "both"]["conflict"].sum()),
                             len(st.events("SRB-KSV", conflict=True)))
            m = st.series("SRB-KSV", by="month", as_frame=True)
            self.assertEqual(m["period"].min(), pandas.Timestamp("2023-01-01"))
            a = st.alerts(as_frame=True)
            self.assertEqual(str(a["start"].dtype), "datetime64[ns]")
            self.assertEqual(len(vigil.code_many(example_records()[:3]).to_pandas()),
                             len(vigil.code_many(example_records()[:3])))

    def test_without_pandas(self):
        saved = sys.modules.get("pandas")
        sys.modules["pandas"] = None            # import pandas now fails
        try:
            with vigil.Store(self.db) as st:
                with self.assertRaises(vigil.PandasMissing) as cm:
                    st.events(as_frame=True)
                self.assertIn("python3-pandas", str(cm.exception))
                self.assertIsInstance(cm.exception, ImportError)
                self.assertTrue(st.events())         # lists need no pandas
        finally:
            if saved is None:
                del sys.modules["pandas"]
            else:
                sys.modules["pandas"] = saved

    def test_bad_store_input(self):
        with self.assertRaises(vigil.StoreNotFound) as cm:
            vigil.Store(os.path.join(self.tmp, "missing.db"))
        self.assertIsInstance(cm.exception, FileNotFoundError)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "missing.db")))
        with self.assertRaises(TypeError):
            vigil.Store(42)
        with self.assertRaises(TypeError):
            vigil.Store(b"bytes.db")
        with self.assertRaises(ValueError):
            vigil.Store(self.db, mode="x")
        junk = os.path.join(self.tmp, "junk.db")
        with open(junk, "wb") as f:
            f.write(b"not a database, " * 100)
        with self.assertRaises(vigil.StoreError):
            vigil.Store(junk)
        with vigil.Store(self.db) as st:
            with self.assertRaises(ValueError):
                st.events(dyad="SRB;KSV")
            with self.assertRaises(vigil.DateError):
                st.events(since="2023-02-30")
            with self.assertRaises(vigil.VigilError) as cm:
                st.events(colour="red")
            self.assertIn("colour", str(cm.exception))
            with self.assertRaises(vigil.VigilError):
                st.events(method="guess")
            with self.assertRaises(vigil.VigilError):
                st.series("SRB-KSV", by="year")
            with self.assertRaises(TypeError):
                st.series(None)
            with self.assertRaises(vigil.StoreError):
                st.ingest([EXAMPLES])               # read-only
            st.close()
            with self.assertRaises(vigil.StoreError):
                st.events()

    def test_ingest_from_python(self):
        db = os.path.join(self.tmp, "py.db")
        recs = os.path.join(self.tmp, "recs.jsonl")
        with open(recs, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "s1", "date": "2023-09-24", "source": "AFP",
                                "text": "Serbian police attacked Kosovo police on Sunday."}) + "\n")
        with vigil.Store(db, mode="w") as st:
            st.ingest(recs)
            ev = st.events()
        self.assertTrue(ev)
        self.assertEqual(ev[0]["record"], "s1")
        with self.assertRaises(FileNotFoundError):
            vigil.Store(db, mode="w").ingest(["/nonexistent/file.jsonl"])

    def test_read_while_ingesting(self):
        db = os.path.join(self.tmp, "live.db")
        big = os.path.join(self.tmp, "big.jsonl")
        recs = example_records()
        with open(big, "w", encoding="utf-8") as f:
            for k in range(60):
                for r in recs:
                    f.write(json.dumps(dict(r, id="%s-%d" % (r["id"], k),
                                            text=r["text"] + " (%d)" % k)) + "\n")
        cli("ingest", "--db", db, os.path.join(EXAMPLES, "border-crisis-2023.jsonl"))
        st = vigil.Store(db)
        first = sum(e["mentions"] for e in st.events())
        proc = subprocess.Popen([VIGIL, "ingest", "--db", db, "--batch", "20", "-j", "1", big],
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        counts, during, errors = [], 0, []
        try:
            while proc.poll() is None or not counts:
                running = proc.poll() is None
                try:
                    n = sum(e["mentions"] for e in st.events(since="2023-01-01"))
                    st.series("SRB-KSV")
                    st.alerts()
                except vigil.VigilError as e:
                    errors.append(str(e))
                    break
                counts.append(n)
                during += running
        finally:
            proc.wait(timeout=600)
            err = proc.stderr.read().decode("utf-8", "replace")
            proc.stderr.close()
        self.assertEqual(errors, [])
        self.assertEqual(proc.returncode, 0, err[-300:])
        self.assertGreater(during, 2, "the ingest ended before the store was read")
        self.assertEqual(counts, sorted(counts))            # never went back
        final = sum(e["mentions"] for e in st.events())
        self.assertEqual(final, sqlite3.connect(db).execute("SELECT count(*) FROM mentions").fetchone()[0])
        self.assertGreater(final, first)
        self.assertGreater(len(set(counts)), 1, "no batch became visible while reading")
        if os.environ.get("VIGIL_TEST_VERBOSE"):
            print("reads %d (%d while ingesting), %d distinct counts, %d -> %d mentions"
                  % (len(counts), during, len(set(counts)), first, final), file=sys.stderr)
        st.close()

    def test_threads_share_nothing_but_dictionaries(self):
        recs = example_records()
        out = {}

        def work(k):
            out[k] = [vigil.code(r["text"], r["date"]) for r in recs]

        ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(out[0], out[1])
        self.assertEqual(out[0], out[2])

    def test_older_store_upgraded(self):
        v1 = os.path.join(self.tmp, "v1.db")
        src = sqlite3.connect(self.db)
        dst = sqlite3.connect(v1)
        src.backup(dst)
        src.close()
        for t in ("events", "mentions"):
            for c in ("method", "confidence", "issues"):
                dst.execute("ALTER TABLE %s DROP COLUMN %s" % (t, c))
        dst.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        dst.commit()
        dst.close()
        with vigil.Store(v1) as st:
            ev = st.events()
        self.assertTrue(ev)
        self.assertTrue(all(e["method"] is None and e["confidence"] is None and e["issues"] is None
                            for e in ev))
        con = sqlite3.connect(v1)
        self.assertEqual(con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0], "5")
        con.close()


class PostgresStore(unittest.TestCase):
    # the same reads on PostgreSQL ($VIGIL_PG_URL; its Vigil tables are dropped)
    def test_postgres(self):
        url = os.environ.get("VIGIL_PG_URL")
        if not url or not shutil.which("psql"):
            self.skipTest("no VIGIL_PG_URL or psql")
        psql = lambda sql: subprocess.run(["psql", url, "-Atqc", sql], capture_output=True,
                                          text=True, timeout=60)
        if psql("SELECT 1").returncode:
            self.skipTest("no PostgreSQL answers at " + url)
        psql("DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE")
        tmp = tempfile.mkdtemp(prefix="vigil-py-pg-")
        try:
            cli("ingest", "--db", url, EXAMPLES)
            db = os.path.join(tmp, "x.db")
            cli("ingest", "--db", db, EXAMPLES)
            with vigil.Store(url) as pg, vigil.Store(db) as lite:
                ev = pg.events()
                self.assertEqual(len(ev), int(psql("SELECT count(*) FROM events").stdout))
                strip = lambda es: [without(e, "id") for e in es]
                self.assertEqual(strip(ev), strip(lite.events()))
                self.assertEqual(pg.series("SRB-KSV"), lite.series("SRB-KSV"))
                self.assertEqual(pg.alerts(), lite.alerts())
            with self.assertRaises(vigil.StoreError):
                vigil.Store(url.rsplit("/", 1)[0] + "/vigil_no_such_database_here")
        finally:
            psql("DROP TABLE IF EXISTS mentions, events, sentences, articles, meta CASCADE")
            shutil.rmtree(tmp)


class Readme(unittest.TestCase):
    # the README's "From Python" example runs as written (the plot to a file)
    def test_readme_example(self):
        if not os.path.exists(SEED):
            self.skipTest("no seed article")
        if pandas is None:
            self.skipTest("no pandas")
        try:
            import matplotlib
            matplotlib.use("Agg")
        except ImportError:
            self.skipTest("no matplotlib (apt-get install python3-matplotlib)")
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        part = readme.split("## From Python", 1)[1]
        block = part.split("```python", 1)[1].split("```", 1)[0]
        tmp = tempfile.mkdtemp(prefix="vigil-readme-")
        try:
            db = os.path.join(tmp, "vigil.db")
            cli("ingest", "--db", db, EXAMPLES)
            code = block.replace("../shared/seed/kosovo-nato-2023.txt", SEED) \
                        .replace('"build/examples.db"', repr(db))
            env = {"__name__": "readme"}
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                exec(compile(code, "README.md", "exec"), env)
            finally:
                os.chdir(cwd)
            self.assertTrue(env["events"])
            self.assertTrue(os.path.getsize(os.path.join(tmp, "srb-ksv.png")) > 1000)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
