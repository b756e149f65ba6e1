# vigil.R -- Vigil from R: coding news text into political events and
# reading event stores, over libvigil (src/vigil_r.c, .Call).

# Coders made so far, by dictionaries and model, reused by vigil_code().
.coders <- new.env(parent = emptyenv())

.coder <- function(dictionaries, model) {
    if (!is.null(dictionaries)) {
        if (!is.character(dictionaries) || length(dictionaries) != 1L || is.na(dictionaries))
            stop("dictionaries must be NULL or the path of a PETRARCH config (.ini) or TABARI project (.project)")
        if (!file.exists(dictionaries)) stop(dictionaries, ": no such file")
        dictionaries <- normalizePath(dictionaries)
    }
    if (!is.null(model) && !isFALSE(model)) {
        if (!is.character(model) || length(model) != 1L || is.na(model))
            stop("model must be NULL, FALSE or the path of a model file")
        if (!file.exists(model)) stop(model, ": no such file")
        model <- normalizePath(model)
    }
    key <- paste(if (is.null(dictionaries)) "" else dictionaries,
                 if (is.null(model)) "" else if (isFALSE(model)) "FALSE" else model, sep = "\r")
    cd <- .coders[[key]]
    if (is.null(cd)) {
        cd <- .Call(vigil_r_coder, dictionaries, model)
        assign(key, cd, envir = .coders)
    }
    cd
}

.date_arg <- function(x, what) {
    if (is.null(x)) return(NULL)
    if (inherits(x, "Date") || inherits(x, "POSIXt")) x <- format(as.Date(x), "%Y-%m-%d")
    if (!is.character(x) || length(x) != 1L || is.na(x))
        stop(what, " must be a Date or a \"YYYY-MM-DD\" string")
    x
}

.levels <- list(
    root = sprintf("%02d", 1:20),
    method = c("dictionary", "both", "model"),
    date_precision = c("day", "week", "month", "year", "article"),
    plover = c("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
               "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
               "ASSAULT")
)

.factor <- function(x, name) {
    lv <- .levels[[name]]
    factor(x, levels = union(lv, sort(unique(x[!is.na(x)]))))
}

.events_frame <- function(cols) {
    df <- as.data.frame(cols, stringsAsFactors = FALSE)
    df$date <- as.Date(df$date)
    for (f in c("root", "plover", "method", "date_precision"))
        if (!is.null(df[[f]])) df[[f]] <- .factor(df[[f]], f)
    if (!is.null(df$id)) {
        if (all(df$id < .Machine$integer.max)) df$id <- as.integer(df$id)
        df <- df[c("id", setdiff(names(df), "id"))]
    }
    df
}

# Code a news text into events
vigil_code <- function(text, date = Sys.Date(), dictionaries = NULL, model = NULL, id = NULL) {
    if (!is.character(text)) stop("text must be a character vector (the lines of one article)")
    if (anyNA(text)) stop("text must not contain NA")
    text <- enc2utf8(paste(text, collapse = "\n"))
    cols <- .Call(vigil_r_code, .coder(dictionaries, model), text, .date_arg(date, "date"),
                  if (is.null(id)) NULL else as.character(id))
    .events_frame(cols)
}

# Open an event store
vigil_open <- function(db, write = FALSE) {
    if (inherits(db, "vigil_store")) return(db)
    if (!is.character(db) || length(db) != 1L || is.na(db))
        stop("db must be the path of a store, a postgresql:// URL, or a vigil_open() store")
    if (!grepl("^postgres(ql)?://|dbname=|host=", db)) db <- path.expand(db)
    .Call(vigil_r_open, db, isTRUE(write))
}

vigil_close <- function(store) {
    invisible(.Call(vigil_r_close, store))
}

print.vigil_store <- function(x, ...) {
    cat("<vigil store>\n")
    invisible(x)
}

.with_store <- function(db, f) {
    if (inherits(db, "vigil_store")) return(f(db))
    st <- vigil_open(db)
    on.exit(vigil_close(st))
    f(st)
}

# Stored events
vigil_events <- function(db, dyad = NULL, since = NULL, until = NULL, ...) {
    filters <- list(...)
    if (length(filters) && (is.null(names(filters)) || any(names(filters) == "")))
        stop("filters must be named (actor = \"SRB\", quad = 4, ...)")
    keys <- character(); values <- character()
    add <- function(k, v) {
        if (is.null(v)) return()
        if (length(v) != 1L || is.na(v)) stop(k, " must be a single value")
        if (inherits(v, "Date")) v <- format(v, "%Y-%m-%d")
        if (is.logical(v)) v <- if (v) "1" else "0"
        keys <<- c(keys, k); values <<- c(values, as.character(v))
    }
    add("dyad", dyad)
    add("since", .date_arg(since, "since"))
    add("until", .date_arg(until, "until"))
    for (k in names(filters)) add(k, filters[[k]])
    cols <- .with_store(db, function(st) .Call(vigil_r_events, st, keys, values))
    df <- .events_frame(cols)
    df$passive <- NULL
    df
}

# A dyad's events per period
vigil_series <- function(db, dyad, by = c("week", "day", "month"), since = NULL, until = NULL) {
    by <- match.arg(by)
    if (!is.character(dyad) || length(dyad) != 1L || is.na(dyad)) stop("dyad must be a string like \"SRB-KSV\"")
    cols <- .with_store(db, function(st)
        .Call(vigil_r_series, st, dyad, by, .date_arg(since, "since"), .date_arg(until, "until")))
    ab <- toupper(strsplit(dyad, "-", fixed = TRUE)[[1]])
    labels <- c(paste(ab[1], ab[2], sep = ">"), paste(ab[2], ab[1], sep = ">"), "both")
    period <- cols$period
    if (by == "month") period <- paste0(period, "-01")
    data.frame(period = as.Date(period),
               direction = factor(labels[cols$direction], levels = labels),
               events = cols$events, q1 = cols$q1, q2 = cols$q2, q3 = cols$q3, q4 = cols$q4,
               cooperation = cols$q1 + cols$q2, conflict = cols$q3 + cols$q4,
               material_conflict = cols$q4, goldstein_mean = cols$goldstein_mean,
               cci = cols$cci, stringsAsFactors = FALSE)
}

# Escalation alerts
vigil_alerts <- function(db, since = NULL, dyad = NULL) {
    cols <- .with_store(db, function(st)
        .Call(vigil_r_alerts, st, if (is.null(dyad)) NULL else as.character(dyad),
              .date_arg(since, "since")))
    drivers <- cols$drivers
    cols$drivers <- NULL
    df <- as.data.frame(cols, stringsAsFactors = FALSE)
    for (d in c("start", "trigger", "end")) df[[d]] <- as.Date(df[[d]])
    df$dyad <- factor(df$dyad)
    df$drivers <- I(lapply(drivers, function(x) if (all(x < .Machine$integer.max)) as.integer(x) else x))
    df
}

# Ingest files into a store
vigil_ingest <- function(db, paths, dictionaries = NULL, model = NULL) {
    if (!is.character(paths) || !length(paths) || anyNA(paths)) stop("paths must be file names")
    missing <- paths[!file.exists(paths)]
    if (length(missing)) stop(missing[1], ": no such file or directory")
    st <- vigil_open(db, write = TRUE)
    if (!inherits(db, "vigil_store")) on.exit(vigil_close(st))
    invisible(.Call(vigil_r_ingest, st, .coder(dictionaries, model), path.expand(paths)))
}

# libvigil's version
vigil_version <- function() .Call(vigil_r_version)
