/* deliver.c -- see deliver.h: one attempt at a time per alert and target,
 * to standard output (through the monitor's emit callback), a webhook
 * (POST of the alert's JSON, Idempotency-Key: its key) or a command (the
 * JSON on its standard input, VIGIL_ALERT_KEY in its environment). */
#include "deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct hook {
    vg_mon_tag tag;               /* VG_TAG_HOOK */
    char *key, *target;
    int attempts;
} hook;

typedef struct child {
    pid_t pid;
    int fd;                       /* its standard input, -1 once closed */
    char *key, *target, *payload;
    size_t len, sent;
    int attempts;
    double started;
} child;

struct vg_deliver {
    vg_fetch *f;
    vg_deliver_opts o;
    vg_strmap busy;               /* "key\ttarget" under way (value 1; 0 once finished) */
    VG_VEC(child) children;
    VG_VEC(vg_delivery) done;
    size_t running;
};

void vg_delivery_clear(vg_delivery *d)
{
    free(d->key);
    free(d->target);
    d->key = d->target = NULL;
}

vg_deliver *vg_deliver_new(vg_fetch *f, const vg_deliver_opts *o)
{
    vg_deliver *d = vg_calloc(1, sizeof *d);
    d->f = f;
    d->o = *o;
    return d;
}

static void busy_key(const char *key, const char *target, vg_buf *b)
{
    vg_buf_clear(b);
    vg_buf_printf(b, "%s\t%s", key, target);
}

static bool is_busy(vg_deliver *d, const char *key, const char *target)
{
    vg_buf b = { 0 };
    busy_key(key, target, &b);
    bool busy = vg_strmap_get(&d->busy, b.s) > 0;
    vg_buf_free(&b);
    return busy;
}

static void set_busy(vg_deliver *d, const char *key, const char *target, int on)
{
    vg_buf b = { 0 };
    busy_key(key, target, &b);
    vg_strmap_put(&d->busy, b.s, on);
    vg_buf_free(&b);
    if (on) d->running++;
    else d->running--;
    /* the map only grows while deliveries run; start afresh when idle */
    if (!d->running && d->busy.n > 1024) vg_strmap_clear(&d->busy);
}

static void finish(vg_deliver *d, const char *key, const char *target, int attempts,
                   vg_delivery_state st, const char *error)
{
    vg_delivery x = { vg_strdup(key), vg_strdup(target), attempts, st, "" };
    snprintf(x.error, sizeof x.error, "%s", error ? error : "");
    if (st == VG_DELIVERY_RETRY && attempts >= d->o.retries) {
        x.state = VG_DELIVERY_FAILED;
        size_t n = strlen(x.error);
        snprintf(x.error + n, sizeof x.error - n, "%s(gave up after %d attempts)",
                 n ? " " : "", attempts);
    }
    vg_vec_push(&d->done, x);
    set_busy(d, key, target, 0);
}

extern char **environ;

static bool start_exec(vg_deliver *d, const char *key, const char *target, int attempts,
                       const char *payload)
{
    int p[2];
    if (pipe(p) != 0) return false;
    /* everything the child needs is made before the fork: after it, in a
     * process with threads, only async-signal-safe calls */
    size_t ne = 0;
    while (environ && environ[ne]) ne++;
    char **envp = vg_calloc(ne + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "VIGIL_ALERT_KEY=", 16)) envp[k++] = environ[i];
    vg_buf kv = { 0 };
    vg_buf_printf(&kv, "VIGIL_ALERT_KEY=%s", key);
    envp[k++] = kv.s;
    char *argv[] = { "sh", "-c", (char *)(target + 5), NULL };
    long maxfd = sysconf(_SC_OPEN_MAX);
    if (maxfd < 0 || maxfd > 65536) maxfd = 65536;
    pid_t pid = fork();
    if (pid == 0) {
        /* the child: the alert on its input; its output goes to our error
         * stream, never into the alert lines on standard output */
        dup2(p[0], 0);
        dup2(2, 1);
        for (long fd = 3; fd < maxfd; fd++) close((int)fd);
        signal(SIGPIPE, SIG_DFL);
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    free(envp);
    vg_buf_free(&kv);
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    close(p[0]);
    fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    child c = { pid, p[1], vg_strdup(key), vg_strdup(target), vg_strdup(payload),
                strlen(payload), 0, attempts, vg_now() };
    vg_vec_push(&d->children, c);
    return true;
}

bool vg_deliver_start(vg_deliver *d, const char *key, const char *target, int attempts,
                      const char *payload)
{
    if (is_busy(d, key, target)) return false;
    set_busy(d, key, target, 1);
    int n = attempts + 1;
    if (!strcmp(target, "stdout")) {
        bool ok = d->o.emit && d->o.emit(d->o.ctx, payload);
        finish(d, key, target, n, ok ? VG_DELIVERY_DONE : VG_DELIVERY_FAILED,
               ok ? NULL : "standard output cannot be written");
        return true;
    }
    if (!strncmp(target, "exec:", 5)) {
        if (!start_exec(d, key, target, n, payload))
            finish(d, key, target, n, VG_DELIVERY_RETRY, strerror(errno));
        return true;
    }
    /* a webhook */
    hook *h = vg_calloc(1, sizeof *h);
    h->tag.kind = VG_TAG_HOOK;
    h->key = vg_strdup(key);
    h->target = vg_strdup(target);
    h->attempts = n;
    vg_buf idem = { 0 };
    vg_buf_printf(&idem, "Idempotency-Key: %s", key);
    char *hdrs[3];
    hdrs[0] = idem.s;
    hdrs[1] = "Accept: application/json, */*";
    hdrs[2] = NULL;
    vg_fetch_req r = { .url = target, .body = payload, .body_len = strlen(payload),
                       .content_type = "application/json", .headers = (const char *const *)hdrs,
                       .timeout_ms = d->o.timeout_ms, .max_bytes = 1 << 20, .max_redirects = -1,
                       .tag = h };
    char err[256];
    bool added = vg_fetch_add(d->f, &r, err, sizeof err);   /* the headers are copied */
    vg_buf_free(&idem);
    if (!added) {
        finish(d, key, target, n, VG_DELIVERY_FAILED, err);
        free(h->key);
        free(h->target);
        free(h);
    }
    return true;
}

void vg_deliver_tag_free(void *tag)
{
    hook *h = tag;
    if (!h || h->tag.kind != VG_TAG_HOOK) return;
    free(h->key);
    free(h->target);
    free(h);
}

bool vg_deliver_fetched(vg_deliver *d, vg_fetch_res *r)
{
    hook *h = r->tag;
    if (!h || h->tag.kind != VG_TAG_HOOK) return false;
    char why[256] = "";
    vg_delivery_state st;
    if (!r->ok) {
        snprintf(why, sizeof why, "%s", r->error);
        st = VG_DELIVERY_RETRY;
    } else if (r->status >= 200 && r->status < 300) {
        st = VG_DELIVERY_DONE;
    } else {
        snprintf(why, sizeof why, "HTTP %ld", r->status);
        /* the receiver's problem, maybe passing: try again; a refusal of
         * this request (a 4xx but timeouts and rate limits) stays one */
        bool again = r->status >= 500 || r->status == 408 || r->status == 425 ||
                     r->status == 429 || r->status < 200 || (r->status >= 300 && r->status < 400);
        st = again ? VG_DELIVERY_RETRY : VG_DELIVERY_FAILED;
    }
    finish(d, h->key, h->target, h->attempts, st, why);
    free(h->key);
    free(h->target);
    free(h);
    vg_fetch_res_free(r);
    return true;
}

void vg_deliver_poll(vg_deliver *d)
{
    for (size_t i = 0; i < d->children.n;) {
        child *c = &d->children.v[i];
        if (c->fd >= 0) {
            while (c->sent < c->len) {
                ssize_t k = write(c->fd, c->payload + c->sent, c->len - c->sent);
                if (k > 0) { c->sent += (size_t)k; continue; }
                if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
                c->sent = c->len;        /* it closed its input: let its status tell */
            }
            if (c->sent == c->len) {
                if (write(c->fd, "\n", 1) < 0) { /* as above */ }
                close(c->fd);
                c->fd = -1;
            }
        }
        int status;
        pid_t w = waitpid(c->pid, &status, WNOHANG);
        bool timed_out = !w && vg_now() - c->started > d->o.exec_timeout;
        if (timed_out) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &status, 0);
        }
        if (!w && !timed_out) { i++; continue; }
        char why[256] = "";
        vg_delivery_state st = VG_DELIVERY_DONE;
        if (timed_out) {
            snprintf(why, sizeof why, "the command ran over %d s and was killed", d->o.exec_timeout);
            st = VG_DELIVERY_RETRY;
        } else if (w < 0) {
            snprintf(why, sizeof why, "cannot wait for the command: %s", strerror(errno));
            st = VG_DELIVERY_RETRY;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            snprintf(why, sizeof why, "the command exited with status %d", WEXITSTATUS(status));
            st = VG_DELIVERY_RETRY;
        } else if (WIFSIGNALED(status)) {
            snprintf(why, sizeof why, "the command was killed by signal %d", WTERMSIG(status));
            st = VG_DELIVERY_RETRY;
        }
        if (c->fd >= 0) close(c->fd);
        finish(d, c->key, c->target, c->attempts, st, why);
        free(c->key);
        free(c->target);
        free(c->payload);
        d->children.v[i] = d->children.v[--d->children.n];
    }
}

bool vg_deliver_take(vg_deliver *d, vg_delivery *out)
{
    if (!d->done.n) return false;
    *out = d->done.v[0];
    memmove(d->done.v, d->done.v + 1, (d->done.n - 1) * sizeof *d->done.v);
    d->done.n--;
    return true;
}

size_t vg_deliver_running(const vg_deliver *d)
{
    return d->running;
}

int vg_deliver_backoff(const vg_deliver_opts *o, int attempts)
{
    long s = o->retry_base > 0 ? o->retry_base : 5;
    for (int i = 1; i < attempts && s < 3600; i++) s *= 2;
    return s > 3600 ? 3600 : (int)s;
}

void vg_deliver_free(vg_deliver *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->children.n; i++) {
        child *c = &d->children.v[i];
        if (c->fd >= 0) close(c->fd);
        /* a command still running is left to finish on its own; its
         * delivery stays pending in the store and is tried again */
        waitpid(c->pid, NULL, WNOHANG);
        free(c->key);
        free(c->target);
        free(c->payload);
    }
    vg_vec_free(&d->children);
    for (size_t i = 0; i < d->done.n; i++) vg_delivery_clear(&d->done.v[i]);
    vg_vec_free(&d->done);
    vg_strmap_free(&d->busy);
    free(d);
}
