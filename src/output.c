/* output.c -- see output.h. */
#include "output.h"
#include "date.h"
#include "model.h"
#include "ontology.h"

#include <string.h>

static void span_json(vg_buf *b, const vg_output_ctx *cx, uint32_t off, uint32_t len)
{
    if (!len || off + len > cx->sentence_len) { vg_buf_puts(b, "null"); return; }
    vg_buf_json_strn(b, cx->sentence + off, len);
}

static void file_json(vg_buf *b, const vg_output_ctx *cx, vg_src src)
{
    const char *f = vg_dict_file_name(cx->d, src);
    const char *slash = cx->base_names && f ? strrchr(f, '/') : NULL;
    vg_buf_puts(b, ",\"file\":");
    vg_buf_json_str(b, slash ? slash + 1 : f);
    vg_buf_puts(b, ",\"line\":");
    vg_buf_put_int(b, src.line);
}

static void src_json(vg_buf *b, const vg_output_ctx *cx, const vg_entry *e)
{
    vg_buf_puts(b, "\"entry\":");
    vg_buf_json_str(b, vg_dict_str(cx->d, e->text));
    file_json(b, cx, e->src);
}

/* how: VG_EV_DEFSRC/DEFTGT (the verb's DEFAULT actor), VG_EV_UNKSRC/UNKTGT
 * (a side the model added without a phrase, "---") or 0. */
static void actor_json(vg_buf *b, const vg_output_ctx *cx, uint32_t off, uint32_t len,
                       int32_t entry, int32_t agent, unsigned how)
{
    if (how & (VG_EV_UNKSRC | VG_EV_UNKTGT)) {
        vg_buf_puts(b, "{\"unknown\":true}");
        return;
    }
    if (how || entry < 0) {
        vg_buf_puts(b, "{\"default\":true}");
        return;
    }
    const vg_dict *d = cx->d;
    vg_buf_puts(b, "{\"text\":");
    span_json(b, cx, off, len);
    vg_buf_putc(b, ',');
    src_json(b, cx, &d->entries.v[entry]);
    if (agent >= 0) {
        vg_buf_puts(b, ",\"agent\":{");
        src_json(b, cx, &d->entries.v[agent]);
        vg_buf_putc(b, '}');
    }
    vg_buf_putc(b, '}');
}

void vg_output_matched_json(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e)
{
    const vg_dict *d = cx->d;
    vg_buf_puts(b, "{\"verb\":{\"text\":");
    span_json(b, cx, e->verb_off, e->verb_len);
    if (e->verb_entry >= 0) {
        vg_buf_putc(b, ',');
        src_json(b, cx, &d->entries.v[e->verb_entry]);
    }
    vg_buf_puts(b, "},\"pattern\":");
    if (e->pattern >= 0) {
        const vg_pattern *p = &d->patterns.v[e->pattern];
        vg_buf_puts(b, "{\"text\":");
        vg_buf_json_str(b, vg_dict_str(d, p->text));
        file_json(b, cx, p->src);
        vg_buf_putc(b, '}');
    } else {
        vg_buf_puts(b, "null");
    }
    vg_buf_puts(b, ",\"source\":");
    actor_json(b, cx, e->src_off, e->src_len, e->src_entry, e->src_agent,
               e->flags & (VG_EV_DEFSRC | VG_EV_UNKSRC));
    vg_buf_puts(b, ",\"target\":");
    actor_json(b, cx, e->tgt_off, e->tgt_len, e->tgt_entry, e->tgt_agent,
               e->flags & (VG_EV_DEFTGT | VG_EV_UNKTGT));
    if (e->expl_len && cx->expl && e->expl_off + e->expl_len <= cx->expl->len) {
        vg_buf_puts(b, ",\"model\":");
        vg_buf_putn(b, cx->expl->s + e->expl_off, e->expl_len);
    }
    vg_buf_putc(b, '}');
}

static void ontology_json(vg_buf *b, const char *code)
{
    const vg_cameo *c = vg_cameo_get(code);
    if (!c) {
        vg_buf_puts(b, ",\"root\":null,\"quad\":null,\"goldstein\":null,\"plover\":null");
        return;
    }
    vg_buf_puts(b, ",\"root\":");
    vg_buf_json_str(b, c->root);
    vg_buf_puts(b, ",\"quad\":");
    vg_buf_put_int(b, c->quad);
    vg_buf_puts(b, ",\"penta\":");
    vg_buf_put_int(b, c->penta);
    vg_buf_puts(b, ",\"goldstein\":");
    vg_buf_put_fixed(b, c->goldstein, 1);
    vg_buf_puts(b, ",\"plover\":");
    if (c->plover[0]) vg_buf_json_str(b, c->plover);
    else vg_buf_puts(b, "null");
}

static void opt_str(vg_buf *b, const char *key, const char *v)
{
    if (!v || !*v) return;
    vg_buf_puts(b, ",\"");
    vg_buf_puts(b, key);
    vg_buf_puts(b, "\":");
    vg_buf_json_str(b, v);
}

static void tsv_field(vg_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        vg_buf_putc(b, c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
    }
}

void vg_output_issues_json(vg_buf *b, const vg_issue_count *v, size_t n)
{
    vg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        vg_buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        vg_buf_json_str(b, v[i].code);
        vg_buf_puts(b, ",\"count\":");
        vg_buf_put_int(b, (long)v[i].count);
        vg_buf_putc(b, '}');
    }
    vg_buf_putc(b, ']');
}

/* PETRARCH's form: "CODE n, CODE n" */
static void issues_text(vg_buf *b, const vg_issue_counts *is)
{
    for (size_t i = 0; is && i < is->n; i++) {
        if (i) vg_buf_puts(b, ", ");
        tsv_field(b, is->v[i].code, strlen(is->v[i].code));
        vg_buf_putc(b, ' ');
        vg_buf_put_int(b, (long)is->v[i].count);
    }
}

void vg_output_json(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e)
{
    char date[11];
    vg_date_format(e->date, date);
    vg_buf_puts(b, "{\"record\":");
    vg_buf_json_str(b, cx->record);
    vg_buf_puts(b, ",\"sentence_no\":");
    vg_buf_put_int(b, cx->sentence_no);
    vg_buf_puts(b, ",\"date\":\"");
    vg_buf_puts(b, date);
    vg_buf_puts(b, "\",\"source\":");
    vg_buf_json_str(b, e->source);
    vg_buf_puts(b, ",\"target\":");
    vg_buf_json_str(b, e->target);
    vg_buf_puts(b, ",\"code\":");
    vg_buf_json_str(b, e->code);
    ontology_json(b, e->code);
    vg_buf_puts(b, ",\"method\":");
    vg_buf_json_str(b, vg_method_name(e->method));
    if (e->confidence >= 0) {
        vg_buf_puts(b, ",\"confidence\":");
        vg_buf_put_fixed(b, e->confidence, 3);
    } else vg_buf_puts(b, ",\"confidence\":null");
    vg_buf_puts(b, ",\"issues\":");
    vg_output_issues_json(b, cx->issues ? cx->issues->v : NULL, cx->issues ? cx->issues->n : 0);
    if (e->flags & VG_EV_PASSIVE) vg_buf_puts(b, ",\"passive\":true");
    opt_str(b, "source_name", cx->source_name);
    opt_str(b, "url", cx->url);
    opt_str(b, "title", cx->title);
    vg_buf_puts(b, ",\"sentence\":");
    vg_buf_json_strn(b, cx->sentence, cx->sentence_len);
    vg_buf_puts(b, ",\"matched\":");
    vg_output_matched_json(b, cx, e);
    vg_buf_putc(b, '}');
}

void vg_output_jsonl(vg_buf *b, const vg_output_ctx *cx, const vg_result *r)
{
    for (size_t i = 0; i < r->events.n; i++) {
        vg_output_json(b, cx, &r->events.v[i]);
        vg_buf_putc(b, '\n');
    }
}

void vg_output_tsv_header(FILE *f)
{
    fputs("record\tsentence_no\tdate\tsource\ttarget\tcode\troot\tquad\tgoldstein\tplover"
          "\tmethod\tconfidence\tissues\tverb\tpattern\tsentence\n", f);
}


void vg_output_tsv(vg_buf *b, const vg_output_ctx *cx, const vg_coded_event *e)
{
    char date[11];
    vg_date_format(e->date, date);
    const vg_cameo *c = vg_cameo_get(e->code);
    tsv_field(b, cx->record, strlen(cx->record));
    const char *const fields[] = { date, e->source, e->target, e->code };
    vg_buf_putc(b, '\t');
    vg_buf_put_int(b, cx->sentence_no);
    for (size_t i = 0; i < 4; i++) {
        vg_buf_putc(b, '\t');
        vg_buf_puts(b, fields[i]);
    }
    vg_buf_putc(b, '\t');
    if (c) {
        vg_buf_puts(b, c->root);
        vg_buf_putc(b, '\t');
        vg_buf_put_int(b, c->quad);
        vg_buf_putc(b, '\t');
        vg_buf_put_fixed(b, c->goldstein, 1);
        vg_buf_putc(b, '\t');
        vg_buf_puts(b, c->plover);
        vg_buf_putc(b, '\t');
    } else {
        vg_buf_puts(b, "\t\t\t\t");
    }
    vg_buf_puts(b, vg_method_name(e->method));
    vg_buf_putc(b, '\t');
    if (e->confidence >= 0) vg_buf_put_fixed(b, e->confidence, 3);
    vg_buf_putc(b, '\t');
    issues_text(b, cx->issues);
    vg_buf_putc(b, '\t');
    if (e->verb_len && e->verb_off + e->verb_len <= cx->sentence_len)
        tsv_field(b, cx->sentence + e->verb_off, e->verb_len);
    vg_buf_putc(b, '\t');
    if (e->pattern >= 0) {
        const char *p = vg_dict_str(cx->d, cx->d->patterns.v[e->pattern].text);
        tsv_field(b, p, strlen(p));
    }
    vg_buf_putc(b, '\t');
    tsv_field(b, cx->sentence, cx->sentence_len);
    vg_buf_putc(b, '\n');
}
