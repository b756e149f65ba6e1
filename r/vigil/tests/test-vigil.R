# test-vigil.R -- the R package against libvigil and, when the environment
# names them, the vigil program (VIGIL) and the reference data
# (VIGIL_SHARED): the seed article codes as `vigil code` codes it, a store
# reads as `vigil export` / `series` say, column classes, errors.  Prints
# TAP lines ("ok NAME" / "not ok NAME" / "ok NAME # SKIP why"); stops with
# an error when a check failed, so R CMD check fails.
library(vigil)

failed <- 0L
check <- function(name, expr) {
    res <- tryCatch(isTRUE(expr), error = function(e) {
        cat("# ", conditionMessage(e), "\n", sep = "")
        FALSE
    })
    cat(if (res) "ok " else "not ok ", "r_", name, "\n", sep = "")
    if (!res) failed <<- failed + 1L
}
skip <- function(name, why) cat("ok r_", name, " # SKIP ", why, "\n", sep = "")
errors <- function(expr, pattern) {
    msg <- tryCatch({ force(expr); "" }, error = function(e) conditionMessage(e))
    if (!grepl(pattern, msg)) cat("# expected an error matching '", pattern, "', got '", msg, "'\n", sep = "")
    grepl(pattern, msg)
}

vigil_bin <- Sys.getenv("VIGIL")
if (nzchar(vigil_bin) && !file.exists(vigil_bin)) vigil_bin <- ""
shared <- Sys.getenv("VIGIL_SHARED")
seed <- if (nzchar(shared)) file.path(shared, "seed", "kosovo-nato-2023.txt") else ""
examples <- Sys.getenv("VIGIL_EXAMPLES")
Sys.setenv(VIGIL_GAZETTEER = "/nonexistent")
cli <- function(...) system2(vigil_bin, c(...), stdout = TRUE, stderr = FALSE)

check("version", grepl("^[0-9]+\\.[0-9]+\\.[0-9]+$", vigil_version()))

# ---- coding
ev <- vigil_code("Serbian police attacked Kosovo police on Sunday.", date = "2023-09-29", id = "a1")
check("code_rows", nrow(ev) >= 1 && ev$record[1] == "a1")
check("code_classes", inherits(ev$date, "Date") && is.factor(ev$root) && is.factor(ev$method) &&
      is.factor(ev$plover) && is.integer(ev$quad) && is.numeric(ev$goldstein) &&
      is.character(ev$code) && is.integer(ev$sentence_no))
check("code_date", as.character(ev$date[1]) == "2023-09-29")
check("code_date_class", identical(vigil_code("Serbian police attacked Kosovo police.",
                                              date = as.Date("2023-09-29")),
                                   vigil_code("Serbian police attacked Kosovo police.",
                                              date = "2023-09-29")))
check("code_dictionaries_only", all(vigil_code("Serbian police attacked Kosovo police.",
                                               "2023-09-29", model = FALSE)$method == "dictionary"))
check("code_empty", nrow(vigil_code("", "2023-09-29")) == 0L)
check("code_lines_joined", identical(vigil_code(c("Serbian police attacked Kosovo police.", "NATO met Serbia."), "2023-09-29"),
                                     vigil_code("Serbian police attacked Kosovo police.\nNATO met Serbia.", "2023-09-29")))

if (file.exists(seed) && nzchar(vigil_bin)) {
    got <- vigil_code(readLines(seed, encoding = "UTF-8", warn = FALSE), date = "2023-09-29")
    tsv <- read.delim(text = cli("code", "--format", "text", "--date", "2023-09-29",
                                 "--output", "tsv", seed),
                      quote = "", na.strings = "", colClasses = "character", encoding = "UTF-8")
    want_issues <- ifelse(is.na(tsv$issues), "", gsub(" ([0-9]+)", ",\\1", gsub(", ", ";", tsv$issues)))
    check("seed_same_as_cli",
          nrow(got) > 5 && nrow(got) == nrow(tsv) &&
          identical(as.character(got$sentence_no), tsv$sentence_no) &&
          identical(got$source, tsv$source) && identical(got$target, tsv$target) &&
          identical(got$code, tsv$code) && identical(as.character(got$method), tsv$method) &&
          isTRUE(all.equal(got$confidence, as.numeric(tsv$confidence))) &&
          identical(got$issues, want_issues) &&
          identical(format(got$date), tsv$date))
    check("seed_events", all(c("110", "193", "192", "041") %in% got$code) && any(got$issues != ""))
} else skip("seed_same_as_cli", "no seed article or no VIGIL program")

# ---- a store
db <- tempfile(fileext = ".db")
if (nzchar(examples) && dir.exists(examples)) {
    check("ingest", isTRUE(vigil_ingest(db, examples)))
} else {
    f <- tempfile(fileext = ".jsonl")
    writeLines(c('{"id": "a1", "date": "2023-09-24", "source": "AFP", "text": "Serbian police attacked Kosovo police on Sunday."}',
                 '{"id": "a2", "date": "2023-09-25", "source": "AP", "text": "Kosovo accused Serbia of planning the attack."}'), f)
    check("ingest", isTRUE(vigil_ingest(db, f)))
}
e <- vigil_events(db)
check("events_rows", nrow(e) >= 2)
check("events_classes", is.integer(e$id) && inherits(e$date, "Date") && is.factor(e$date_precision) &&
      is.factor(e$method) && is.numeric(e$confidence) && is.integer(e$mentions) &&
      !anyNA(e$method) && all(levels(e$date_precision) == c("day", "week", "month", "year", "article")))
check("events_ordered", !is.unsorted(as.numeric(e$date)))
st <- vigil_open(db)
check("store_object", inherits(st, "vigil_store"))
d <- vigil_events(st, "SRB-KSV", since = "2023-01-01", until = as.Date("2023-12-31"))
check("events_dyad", nrow(d) >= 1 && all(grepl("^(SRB|KSV)", d$source) & grepl("^(SRB|KSV)", d$target)))
check("events_filters", nrow(vigil_events(st, limit = 1)) == 1L &&
      all(vigil_events(st, conflict = TRUE)$quad >= 3) &&
      nrow(vigil_events(st, method = "dictionary")) == sum(e$method == "dictionary"))
s <- vigil_series(st, "SRB-KSV", by = "week")
check("series_classes", inherits(s$period, "Date") && is.factor(s$direction) &&
      identical(levels(s$direction), c("SRB>KSV", "KSV>SRB", "both")) && all(weekdays(s$period) == weekdays(as.Date("2023-09-25"))))
both <- subset(s, direction == "both")
check("series_total", sum(both$events) == nrow(d) || nrow(d) == 0)
check("series_conflict", sum(both$conflict) == nrow(vigil_events(st, "SRB-KSV", conflict = TRUE)))
m <- vigil_series(st, "SRB-KSV", by = "month")
check("series_month", all(format(m$period, "%d") == "01"))
a <- vigil_alerts(st)
check("alerts_classes", is.data.frame(a) && inherits(a$start, "Date") && is.list(a$drivers))
if (nzchar(vigil_bin)) {
    x <- read.csv(text = cli("export", "--db", db, "--format", "csv"), na.strings = "",
                  colClasses = c(code = "character"), encoding = "UTF-8")
    x <- x[order(x$event_id), ]
    y <- e[order(e$id), ]
    check("events_same_as_export", nrow(x) == nrow(y) && identical(x$event_id, y$id) &&
          identical(x$code, y$code) && identical(x$method, as.character(y$method)) &&
          isTRUE(all.equal(x$confidence, y$confidence)) &&
          identical(ifelse(is.na(x$issues), "", x$issues), y$issues))
    sc <- read.csv(text = cli("series", "--db", db, "--dyad", "SRB-KSV", "--by", "week"))
    check("series_same_as_cli", identical(sc$events[sc$direction == "both"], both$events) &&
          identical(as.Date(sc$period[sc$direction == "both"]), both$period))
    check("alerts_same_as_cli", length(grep('"start"', strsplit(paste(cli("alerts", "--db", db, "--format", "json"), collapse = ""), "\\},\\{")[[1]])) == nrow(a))
} else skip("same_as_cli", "no VIGIL program")
vigil_close(st)
check("closed_store_refused", errors(vigil_events(st), "closed"))

# ---- errors
check("error_text_type", errors(vigil_code(42, "2023-09-29"), "character"))
check("error_text_na", errors(vigil_code(NA_character_, "2023-09-29"), "NA"))
check("error_bad_date", errors(vigil_code("Serbia attacked Kosovo.", "2023-13-45"), "date"))
check("error_missing_store", errors(vigil_events(file.path(tempdir(), "missing.db")), "no such store"))
check("error_missing_store_not_created", !file.exists(file.path(tempdir(), "missing.db")))
check("error_bad_dyad", errors(vigil_events(db, "SRB;KSV"), "."))
check("error_unknown_filter", errors(vigil_events(db, colour = "red"), "colour"))
check("error_bad_by", errors(vigil_series(db, "SRB-KSV", by = "year"), "should be one of"))
check("error_dictionaries", errors(vigil_code("x", "2023-09-29", dictionaries = "/nonexistent.ini"), "no such file"))
check("error_model", errors(vigil_code("x", "2023-09-29", model = "/nonexistent.bin"), "no such file"))
check("error_ingest_readonly", errors(vigil_ingest(db, "/nonexistent/x.jsonl"), "no such file"))

if (failed > 0L) stop(failed, " check(s) failed")
