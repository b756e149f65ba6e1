"""vigil -- political event data from news text, from Python.

A thin layer over libvigil (the C library of Vigil, include/vigil.h) through
ctypes; only the standard library is needed, pandas only for DataFrames.

    import vigil
    events = vigil.code(text, date="2023-09-29")        # a list of dicts
    store = vigil.Store("vigil.db")                      # read-only
    store.events(dyad="SRB-KSV", since="2023-09-01")    # a list of dicts ...
    store.series("SRB-KSV", by="week").to_pandas()      # ... or a DataFrame

Every event dict has the fields of `vigil code`'s JSON output (record,
sentence_no, date, source, target, code, root, quad, penta, goldstein,
plover, method, confidence, issues, sentence, matched, ...); a stored
event has those of the store too (id, date_precision, place, mentions,
...).  Errors are exceptions: VigilError and its subclasses, which are
also the matching built-in ones (a bad date is a ValueError, a missing
store a FileNotFoundError).

Threads: a Dictionaries object is shared read-only; a Coder and a Store
are used by one thread at a time (a Store serialises its calls with a
lock).  code() and code_many() keep one coder per thread.
"""
import datetime as _dt
import json as _json
import os as _os
import threading as _threading
import warnings as _warnings
from concurrent.futures import ThreadPoolExecutor as _Pool
from ctypes import POINTER, byref, c_char_p, c_void_p

from . import _lib
from ._lib import lib as _c

__all__ = ["code", "code_many", "Coder", "Dictionaries", "Store", "Records", "VigilError",
           "DateError", "StoreError", "StoreNotFound", "RecordError", "PandasMissing",
           "library_version", "__version__"]

__version__ = "0.1.0"


def library_version():
    """The version of the libvigil in use ("0.1.0") and its path."""
    return _lib.VERSION, _lib.path


# ================================================================ errors

class VigilError(Exception):
    """An error reported by libvigil; .status is its VG_E* code."""

    def __init__(self, message, status=_lib.EINVAL):
        super().__init__(message)
        self.status = status


class DateError(VigilError, ValueError):
    """A date that is not YYYY-MM-DD or does not exist."""


class StoreError(VigilError):
    """The store could not be opened, read or written."""


class StoreNotFound(StoreError, FileNotFoundError):
    """No store at that path (stores are created only with mode="w")."""


class RecordError(VigilError):
    """Some records could not be coded (the others were)."""


class PandasMissing(ImportError):
    """pandas is needed for DataFrames and is not installed."""


def _error(status, message, cls=None):
    if cls is None:
        cls = {_lib.EDATE: DateError, _lib.ESTORE: StoreError,
               _lib.ERECORD: RecordError}.get(status, VigilError)
    if status == _lib.EINVAL and cls is VigilError:
        e = _InvalidArgument(message, status)
    else:
        e = cls(message, status)
    return e


class _InvalidArgument(VigilError, ValueError):
    pass


def _msg(p):
    return p.decode("utf-8", "replace") if p else ""


# ================================================================ arguments

def _text(value, name, allow_none=True):
    """str -> UTF-8 bytes; None stays None (if allowed); anything else is a
    TypeError that says what to do."""
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("%s must be str, not %s: decode it first (e.g. data.decode('utf-8'))"
                        % (name, type(value).__name__))
    raise TypeError("%s must be str%s, not %s" % (name, " or None" if allow_none else "",
                                                 type(value).__name__))


def _date(value, name="date"):
    """A date argument: None, "YYYY-MM-DD", or a datetime.date / datetime."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat().encode()
    if hasattr(value, "date") and callable(value.date) and hasattr(value, "isoformat"):
        return value.date().isoformat().encode()         # pandas.Timestamp
    b = _text(value, name)
    s = value
    if len(s) != 10 or s[4] != "-" or s[7] != "-" or not (s[:4] + s[5:7] + s[8:]).isdigit():
        raise DateError("%s must be YYYY-MM-DD, not %r" % (name, value), _lib.EDATE)
    try:
        _dt.date(int(s[:4]), int(s[5:7]), int(s[8:]))
    except ValueError:
        raise DateError("%s %r does not exist" % (name, value), _lib.EDATE) from None
    return b


def _path(value, name):
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("%s must be a str or os.PathLike path, not bytes" % name)
    try:
        return _os.fspath(value)
    except TypeError:
        raise TypeError("%s must be a str or os.PathLike path, not %s"
                        % (name, type(value).__name__)) from None


# ================================================================ handles

class _Handle:
    """A libvigil object: freed once, by close(), at the end of a `with`
    block, or when collected.  Subclasses name the C function that frees it."""

    _free = None

    def close(self):
        if getattr(self, "_h", None):
            getattr(_c, self._free)(self._h)
        self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ================================================================ dictionaries

class Dictionaries(_Handle):
    """A set of dictionaries, loaded once and shared by coders on any thread.

    Dictionaries()                      Vigil's own (built in; $VIGIL_DICT_DIR overrides)
    Dictionaries("PETR_config.ini")     the files a PETRARCH config names
    Dictionaries("Validate.project")    the files a TABARI project names (TABARI coding)

    .problems lists what loading skipped ("file:line: reason").
    """

    _free = "vg_dicts_free"

    def __init__(self, path=None):
        self._h = c_void_p()
        if path is None:
            rc = _c.vg_dicts_default(byref(self._h))
            what = "default dictionaries"
        else:
            p = _path(path, "dictionaries")
            if p.endswith(".project"):
                rc = _c.vg_dicts_tabari(p.encode(), byref(self._h))
            elif p.endswith(".ini"):
                rc = _c.vg_dicts_petrarch(p.encode(), byref(self._h))
            else:
                self.close()
                raise ValueError("dictionaries must be None (Vigil's own), a PETRARCH config "
                                 "(.ini) or a TABARI project (.project), not %r" % p)
            what = p
            if not _os.path.exists(p):
                msg = _msg(_c.vg_dicts_errmsg(self._h))
                self.close()
                raise FileNotFoundError("%s: no such file (%s)" % (p, msg))
        if rc != _lib.OK:
            msg = _msg(_c.vg_dicts_errmsg(self._h))
            self.close()
            raise _error(rc, "%s: %s" % (what, msg))
        self.path = path
        n = _c.vg_dicts_problem_count(self._h)
        self.problems = [_msg(_c.vg_dicts_problem(self._h, i)) for i in range(n)]

    def __repr__(self):
        return "vigil.Dictionaries(%r)" % (self.path,)


_defaults_lock = _threading.Lock()
_defaults = None


def _default_dicts():
    global _defaults
    with _defaults_lock:
        if _defaults is None:
            _defaults = Dictionaries()
        return _defaults


def _dicts(dictionaries):
    if dictionaries is None:
        return _default_dicts()
    if isinstance(dictionaries, Dictionaries):
        return dictionaries
    return Dictionaries(dictionaries)


# ================================================================ coding

def _events_to_list(ev):
    """A vg_events as a list of dicts (then freed)."""
    try:
        n = _c.vg_events_count(ev)
        return [_json.loads(_c.vg_event_json(_c.vg_events_get(ev, i))) for i in range(n)]
    finally:
        _c.vg_events_free(ev)


class Coder(_Handle):
    """One thread's coder: dictionaries (a Dictionaries, a path, or None for
    Vigil's own) and a model: None (the built-in model decides among the
    dictionaries' events when they are Vigil's own; docs/model.md), a
    model file from `vigil train`, or False (the dictionaries alone).
    Options: lede, tagger, require_dyad, min_words, tabari, min_confidence
    (0..1).  Use it from one thread at a time."""

    _OPTIONS = {"lede": _lib.OPT_LEDE, "tagger": _lib.OPT_TAGGER,
                "require_dyad": _lib.OPT_REQUIRE_DYAD, "min_words": _lib.OPT_MIN_WORDS,
                "tabari": _lib.OPT_TABARI}

    _free = "vg_coder_free"

    def __init__(self, dictionaries=None, model=None, **options):
        self.dictionaries = _dicts(dictionaries)
        self._h = c_void_p()
        rc = _c.vg_coder_new(self.dictionaries._h, byref(self._h))
        if rc != _lib.OK:
            msg = _msg(_c.vg_coder_errmsg(self._h))
            self.close()
            raise _error(rc, msg)
        if model is False:
            _c.vg_coder_set(self._h, _lib.OPT_HYBRID, 0)
        elif model is not None:
            p = _path(model, "model")
            rc = _c.vg_coder_set_model(self._h, p.encode())
            if rc != _lib.OK:
                msg = _msg(_c.vg_coder_errmsg(self._h))
                self.close()
                if rc == _lib.EIO:
                    raise FileNotFoundError("%s: cannot read the model (%s)" % (p, msg))
                raise ValueError("%s: not a Vigil model (%s)" % (p, msg))
        for k, v in options.items():
            if k == "min_confidence":
                if not isinstance(v, (int, float)) or not 0 <= v <= 1:
                    raise ValueError("min_confidence must be a number from 0 to 1")
                opt, val = _lib.OPT_MIN_CONFIDENCE, int(round(v * 1000))
            elif k in self._OPTIONS:
                if not isinstance(v, (int, bool)):
                    raise TypeError("%s must be an int or bool, not %s" % (k, type(v).__name__))
                opt, val = self._OPTIONS[k], int(v)
            else:
                self.close()
                raise TypeError("unknown coder option %r (%s, min_confidence)"
                                % (k, ", ".join(self._OPTIONS)))
            if _c.vg_coder_set(self._h, opt, val) != _lib.OK:
                msg = _msg(_c.vg_coder_errmsg(self._h))
                self.close()
                raise ValueError("%s=%r: %s" % (k, v, msg))

    def code(self, text, date=None, *, id=None, source=None, url=None, title=None):
        """The events of one article (text: str) dated date ("YYYY-MM-DD", a
        datetime.date, or None for today, UTC), as a list of dicts.  id,
        source (the outlet), url and title are carried by the events."""
        t = _text(text, "text", allow_none=False)
        d = _date(date)
        fields = [_text(v, k) for k, v in (("id", id), ("source", source), ("url", url),
                                          ("title", title))]
        if self._h is None:
            raise VigilError("the coder is closed")
        out = c_void_p()
        rc = _c.vg_coder_code_record(self._h, fields[0], d, t, len(t), fields[1], fields[2],
                                     fields[3], byref(out))
        if rc != _lib.OK:
            msg = _msg(_c.vg_coder_errmsg(self._h))
            _c.vg_events_free(out)
            raise _error(rc, msg)
        return _events_to_list(out)


_local = _threading.local()


def _thread_coder(dictionaries, model):
    """This thread's coder for (dictionaries, model), made once."""
    d = _dicts(dictionaries)
    key = (id(d), model if model is None or model is False else _path(model, "model"))
    cache = getattr(_local, "coders", None)
    if cache is None:
        cache = _local.coders = {}
    entry = cache.get(key)
    if entry is None or entry[0] is not d:
        entry = cache[key] = (d, Coder(d, model))
    return entry[1]


def code(text, date=None, dictionaries=None, model=None, *, id=None, source=None, url=None,
         title=None):
    """Codes one article and returns its events as a list of dicts.

    text          the article (str; bytes are refused: decode them first)
    date          "YYYY-MM-DD" or a datetime.date; None: today (UTC)
    dictionaries  None (Vigil's own), a PETRARCH config or TABARI project
                  path, or a Dictionaries
    model         None (the built-in model with Vigil's dictionaries), a
                  model file, or False (the dictionaries alone)
    id, source, url, title   the article's metadata, carried by its events

    The same events as `vigil code --format text --date DATE FILE`."""
    return _thread_coder(dictionaries, model).code(text, date, id=id, source=source, url=url,
                                                   title=title)


def _record(r, i):
    """A record of code_many: a str, a (text, date) pair, or a dict."""
    if isinstance(r, str):
        return {"text": r, "id": str(i)}
    if isinstance(r, (bytes, bytearray)):
        raise TypeError("record %d: text must be str, not bytes: decode it first" % i)
    if isinstance(r, tuple):
        if len(r) != 2:
            raise TypeError("record %d: a tuple must be (text, date)" % i)
        return {"text": r[0], "date": r[1], "id": str(i)}
    if isinstance(r, dict):
        if "text" not in r:
            raise TypeError("record %d: a dict needs 'text' (and may have id, date, source, "
                            "url, title)" % i)
        unknown = set(r) - {"text", "date", "id", "source", "url", "title"}
        if unknown:
            raise TypeError("record %d: unknown keys %s" % (i, ", ".join(sorted(unknown))))
        rec = dict(r)
        rec.setdefault("id", str(i))
        return rec
    raise TypeError("record %d must be a str, a (text, date) tuple or a dict, not %s"
                    % (i, type(r).__name__))


def code_many(records, jobs=2, dictionaries=None, model=None, date=None, errors="warn"):
    """Codes many articles on `jobs` threads and returns all their events,
    in input order, as one list of dicts (each names its "record").

    records   an iterable of str, (text, date) tuples, or dicts with "text"
              and optionally "id" (default: the record's index), "date",
              "source", "url", "title"
    jobs      threads (each with its own coder over shared dictionaries;
              libvigil runs without the GIL, so they code in parallel)
    date      the date of records that give none (None: today, UTC)
    errors    a record that cannot be coded (a bad date, a wrong type):
              "warn" (default: a warning naming it, then skipped),
              "skip" (silently) or "raise"
    """
    if errors not in ("warn", "skip", "raise"):
        raise ValueError("errors must be 'warn', 'skip' or 'raise'")
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError("jobs must be a positive int")
    if isinstance(records, (str, bytes, dict)):
        raise TypeError("records must be an iterable of records (a list of str, tuples or "
                        "dicts), not a single %s" % type(records).__name__)
    recs = list(records)
    d = _dicts(dictionaries)

    def one(i):
        try:
            r = _record(recs[i], i)
            return _thread_coder(d, model).code(r["text"], r.get("date", date), id=r["id"],
                                               source=r.get("source"), url=r.get("url"),
                                               title=r.get("title")), None
        except (VigilError, TypeError, ValueError) as e:
            if errors == "raise":
                raise
            return [], "record %d: %s" % (i, e)

    if jobs == 1 or len(recs) < 2:
        results = [one(i) for i in range(len(recs))]
    else:
        with _Pool(max_workers=min(jobs, len(recs))) as pool:
            results = list(pool.map(one, range(len(recs))))
    out = []
    for events, err in results:
        if err and errors == "warn":
            _warnings.warn("vigil.code_many: %s (skipped)" % err, RuntimeWarning, stacklevel=2)
        out.extend(events)
    return Records(out, "events")


# ================================================================ results

def _pandas():
    try:
        import pandas
    except ImportError:
        raise PandasMissing("DataFrames need pandas, which is not installed: on Debian "
                            "`apt-get install python3-pandas` (in a virtual environment made "
                            "with --system-site-packages), or `pip install pandas`") from None
    return pandas


class Records(list):
    """A list of dicts (events, series rows or alerts) that can become a
    pandas DataFrame with .to_pandas()."""

    _DATES = {"events": ("date", "first_seen"),
              "series": ("period",),
              "alerts": ("start", "trigger", "end", "peak_day")}
    _CATEGORIES = {"events": ("method", "date_precision", "plover"),
                   "series": ("direction",),
                   "alerts": ("dyad",)}

    def __init__(self, rows=(), kind="events"):
        super().__init__(rows)
        self.kind = kind

    def to_pandas(self):
        """A DataFrame: dates as datetime64 (a month period is its first
        day), method, date_precision, plover, direction, dyad as
        categories; lists and dicts (issues, matched, drivers) as objects."""
        pd = _pandas()
        df = pd.DataFrame(list(self))
        for c in self._DATES.get(self.kind, ()):
            if c in df:
                df[c] = pd.to_datetime(df[c].map(lambda v: v + "-01" if isinstance(v, str)
                                                 and len(v) == 7 else v), format="%Y-%m-%d")
        for c in self._CATEGORIES.get(self.kind, ()):
            if c in df:
                df[c] = df[c].astype("category")
        return df


# ================================================================ the store

class Store(_Handle):
    """An event store: a SQLite file or a PostgreSQL URL ("postgresql://...").

    mode "r" (default) opens an existing store read-only: a missing file is
    StoreNotFound, nothing is written (except the one-time upgrade of a
    store of an older schema), and it can be read while `vigil ingest` (or
    another Store) writes to it.  mode "w" opens or creates it for ingest().
    """

    _free = "vg_store_close"

    def __init__(self, path_or_url, mode="r"):
        self._h = None
        if mode not in ("r", "w"):
            raise ValueError("mode must be 'r' (read-only) or 'w' (read and write)")
        url = _path(path_or_url, "path_or_url")
        if not url:
            raise ValueError("no store given")
        self.url = url
        self.mode = mode
        self._lock = _threading.Lock()
        h = c_void_p()
        opener = _c.vg_store_open_readonly if mode == "r" else _c.vg_store_open
        rc = opener(url.encode(), byref(h))
        if rc != _lib.OK:
            msg = _msg(_c.vg_store_errmsg(h))
            _c.vg_store_close(h)
            raise (StoreNotFound if "no such store" in msg else StoreError)(msg, rc)
        self._h = h

    def _handle(self):
        if self._h is None:
            raise StoreError("the store is closed", _lib.ESTORE)
        return self._h

    def _fail(self, rc):
        return _error(rc, _msg(_c.vg_store_errmsg(self._h)))

    def events(self, dyad=None, since=None, until=None, *, as_frame=False, **filters):
        """Stored events, oldest first, as a list of dicts (a DataFrame with
        as_frame=True): of a dyad ("SRB-KSV": actor-code prefixes, either
        direction), from since to until ("YYYY-MM-DD" or dates, inclusive).
        More filters: actor, code, root, quad, country, place, method
        ("dictionary", "model", "both"), min_confidence, conflict (True:
        QuadClass 3-4), limit, order ("oldest", "newest")."""
        keys, values = [], []

        def add(k, v):
            keys.append(k.encode())
            values.append(v)

        if dyad is not None:
            add("dyad", _text(dyad, "dyad"))
        if since is not None:
            add("since", _date(since, "since"))
        if until is not None:
            add("until", _date(until, "until"))
        for k, v in filters.items():
            if v is None:
                continue
            if isinstance(v, bool):
                v = "1" if v else "0"
            elif isinstance(v, (int, float)):
                v = repr(v)
            elif isinstance(v, (_dt.date, _dt.datetime)):
                v = _date(v, k).decode()
            add(k, _text(v, k))
        n = len(keys)
        karr, varr = (c_char_p * max(n, 1))(*keys), (c_char_p * max(n, 1))(*values)
        out = c_void_p()
        with self._lock:
            rc = _c.vg_store_find_events(self._handle(), karr, varr, n, byref(out))
            if rc != _lib.OK:
                _c.vg_events_free(out)
                raise self._fail(rc)
        r = Records(_events_to_list(out), "events")
        return r.to_pandas() if as_frame else r

    def series(self, dyad, by="week", since=None, until=None, *, as_frame=False):
        """A dyad's deduplicated events per period (by "day", "week" or
        "month"), one row per period and direction ("SRB>KSV", "KSV>SRB",
        "both"): events, q1..q4 (QuadClass counts), cooperation (q1 + q2),
        conflict (q3 + q4), material_conflict, goldstein_sum,
        goldstein_mean, cci.  Periods with no events are there with zeros."""
        d = _text(dyad, "dyad", allow_none=False)
        b = _text(by, "by", allow_none=False)
        out = c_void_p()
        with self._lock:
            rc = _c.vg_store_series(self._handle(), d, b, _date(since, "since"),
                                    _date(until, "until"), byref(out))
            try:
                if rc != _lib.OK:
                    raise self._fail(rc)
                s = _json.loads(_c.vg_series_json(out))
            finally:
                _c.vg_series_free(out)
        rows = []
        for key in ("ab", "ba", "both"):
            col = s[key]
            for i, p in enumerate(s["periods"]):
                row = {"period": p, "direction": col["label"]}
                for k in ("events", "q1", "q2", "q3", "q4", "material_conflict"):
                    row[k] = col[k][i]
                row["cooperation"] = col["q1"][i] + col["q2"][i]
                row["conflict"] = col["q3"][i] + col["q4"][i]
                for k in ("goldstein_sum", "goldstein_mean", "cci"):
                    row[k] = col[k][i]
                rows.append(row)
        r = Records(rows, "series")
        r.dyad, r.by = s["dyad"], s["by"]
        return r.to_pandas() if as_frame else r

    def alerts(self, since=None, dyad=None, *, as_frame=False):
        """Escalation alerts (docs/watch.md), newest first, that start on or
        after since: of a dyad, or of every pair of countries."""
        out = c_void_p()
        with self._lock:
            rc = _c.vg_store_alerts(self._handle(), _text(dyad, "dyad"), _date(since, "since"),
                                    byref(out))
            try:
                if rc != _lib.OK:
                    raise self._fail(rc)
                rows = _json.loads(_c.vg_alerts_json(out))
            finally:
                _c.vg_alerts_free(out)
        r = Records(rows, "alerts")
        return r.to_pandas() if as_frame else r

    def ingest(self, paths, dictionaries=None, model=None):
        """Codes files and directories (by extension: .jsonl, .xml, .tabari,
        anything else one text article) into the store, on all processors;
        mode "w" only.  Articles seen before are skipped.  Raises
        RecordError when some records failed (the others are stored)."""
        if self.mode != "w":
            raise StoreError("the store is open read-only: Store(path, mode='w') to ingest",
                             _lib.ESTORE)
        if isinstance(paths, (str, bytes, _os.PathLike)):
            paths = [paths]
        ps = [_path(p, "paths").encode() for p in paths]
        for p in ps:
            if not _os.path.exists(p):
                raise FileNotFoundError("%s: no such file or directory" % p.decode())
        coder = Coder(dictionaries, model)
        try:
            arr = (c_char_p * max(len(ps), 1))(*ps)
            with self._lock:
                rc = _c.vg_store_ingest(self._handle(), coder._h, arr, len(ps))
                if rc != _lib.OK:
                    raise self._fail(rc)
        finally:
            coder.close()

    def __repr__(self):
        return "vigil.Store(%r, mode=%r)" % (getattr(self, "url", None), getattr(self, "mode", None))


del POINTER
