/* fault.c -- an LD_PRELOAD shim for the fault-injection tests
 * (tests/e2e/fault.sh, killpoints.sh, pgrestart.sh).  It wraps the calls that
 * put data on disk (or send it to a server) and makes one of them fail, as a
 * failing disk would, or kills or stops the process just before it.
 *
 *   FAULT_PATH    only files whose path contains this string count (required;
 *                 without it the shim does nothing); a final '$' anchors it
 *                 at the end of the path (x.db$: not x.db-wal)
 *   FAULT_OPS     "write", "sync" or "write,sync" (default): write, pwrite,
 *                 pwrite64, writev, pwritev, send, sendto, sendmsg / fsync,
 *                 fdatasync (FAULT_PATH=socket: watches sockets)
 *   FAULT_AFTER   the first N counted calls go through (default 0)
 *   FAULT_TIMES   how many calls then fail (default: every later one)
 *   FAULT_ACTION  eio (default), enospc, kill (SIGKILL before the call) or
 *                 stop (SIGSTOP before it: the call goes on after SIGCONT)
 *   FAULT_LOG     at exit, append "calls N writes W syncs S main M" to this
 *                 file: the counted calls; the write and sync calls on the
 *                 watched files; the writes to the file named FAULT_PATH
 *                 itself (the database, not its -wal or -journal)
 *
 * Built by the tests with the system compiler:
 *   cc -shared -fPIC -O2 -o fault.so tests/fault/fault.c -ldl
 * Under a sanitizer build linked with a shared ASan runtime, that runtime
 * must come first in LD_PRELOAD (the tests do this). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char match[4096];
static size_t match_len;
static int anchored, ops_write = 1, ops_sync = 1, action_kill, action_stop;
static int fail_errno = EIO;
static long after, times = -1;
static atomic_long calls, writes, syncs, main_writes;

__attribute__((constructor)) static void init(void)
{
    const char *m = getenv("FAULT_PATH");
    if (m) snprintf(match, sizeof match, "%s", m);
    match_len = strlen(match);
    if (match_len && match[match_len - 1] == '$') {
        match[--match_len] = '\0';
        anchored = 1;
    }
    const char *o = getenv("FAULT_OPS");
    if (o && *o) {
        ops_write = strstr(o, "write") != NULL;
        ops_sync = strstr(o, "sync") != NULL;
    }
    const char *a = getenv("FAULT_AFTER");
    if (a) after = atol(a);
    const char *t = getenv("FAULT_TIMES");
    if (t) times = atol(t);
    const char *act = getenv("FAULT_ACTION");
    if (act && !strcmp(act, "kill")) action_kill = 1;
    if (act && !strcmp(act, "stop")) action_stop = 1;
    if (act && !strcmp(act, "enospc")) fail_errno = ENOSPC;
}

static void *real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) abort();
    return f;
}

/* Whether fd is one of the watched files (2: the file FAULT_PATH itself). */
static int watched(int fd)
{
    if (!match_len || fd < 0) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = '\0';
    if (!strcmp(path, match)) return 2;
    if (anchored) return (size_t)n >= match_len && !strcmp(path + n - match_len, match);
    return strstr(path, match) != NULL;
}

/* Counts a call on fd; returns 1 when it must fail (errno set). */
static int inject(int fd, int is_sync)
{
    int w = watched(fd);
    if (!w) return 0;
    atomic_fetch_add(is_sync ? &syncs : &writes, 1);
    if (w == 2 && !is_sync) atomic_fetch_add(&main_writes, 1);
    if (!(is_sync ? ops_sync : ops_write)) return 0;
    long k = atomic_fetch_add(&calls, 1);        /* 0-based index of this call */
    if (k < after || (times >= 0 && k >= after + times)) return 0;
    if (action_kill) raise(SIGKILL);
    if (action_stop) {
        raise(SIGSTOP);
        return 0;
    }
    errno = fail_errno;
    return 1;
}

__attribute__((destructor)) static void report(void)
{
    const char *log = getenv("FAULT_LOG");
    if (!log || !match_len) return;
    ssize_t (*w)(int, const void *, size_t) = real("write");
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return;
    char line[128];
    int n = snprintf(line, sizeof line, "calls %ld writes %ld syncs %ld main %ld\n",
                     (long)atomic_load(&calls), (long)atomic_load(&writes),
                     (long)atomic_load(&syncs), (long)atomic_load(&main_writes));
    if (w(fd, line, (size_t)n) < 0) { /* nothing to do */ }
    close(fd);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*f)(int, const void *, size_t);
    if (!f) f = real("write");
    if (inject(fd, 0)) return -1;
    return f(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*f)(int, const void *, size_t, off_t);
    if (!f) f = real("pwrite");
    if (inject(fd, 0)) return -1;
    return f(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*f)(int, const void *, size_t, off_t);
    if (!f) f = real("pwrite64");
    if (inject(fd, 0)) return -1;
    return f(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    static ssize_t (*f)(int, const struct iovec *, int);
    if (!f) f = real("writev");
    if (inject(fd, 0)) return -1;
    return f(fd, iov, cnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    static ssize_t (*f)(int, const struct iovec *, int, off_t);
    if (!f) f = real("pwritev");
    if (inject(fd, 0)) return -1;
    return f(fd, iov, cnt, off);
}

int fsync(int fd)
{
    static int (*f)(int);
    if (!f) f = real("fsync");
    if (inject(fd, 1)) return -1;
    return f(fd);
}

int fdatasync(int fd)
{
    static int (*f)(int);
    if (!f) f = real("fdatasync");
    if (inject(fd, 1)) return -1;
    return f(fd);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    static ssize_t (*f)(int, const void *, size_t, int);
    if (!f) f = real("send");
    if (inject(fd, 0)) return -1;
    return f(fd, buf, n, flags);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    static ssize_t (*f)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    if (!f) f = real("sendto");
    if (inject(fd, 0)) return -1;
    return f(fd, buf, n, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    static ssize_t (*f)(int, const struct msghdr *, int);
    if (!f) f = real("sendmsg");
    if (inject(fd, 0)) return -1;
    return f(fd, msg, flags);
}
