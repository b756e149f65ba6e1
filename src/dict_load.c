/* dict_load.c -- dictionary sets: which loader reads which file.  The
 * loaders themselves (dict_tabari.c, dict_petrarch.c) each parse one
 * format; this file chooses among them. */
#include "dict.h"

#include <string.h>

static bool has_ext(const char *p, const char *ext)
{
    size_t n = strlen(p), k = strlen(ext);
    return n > k && !strcmp(p + n - k, ext);
}

bool vg_dict_spec_empty(const vg_dict_spec *sp)
{
    return !sp->project && !sp->config && !sp->actors.n && !sp->agents.n && !sp->verbs.n &&
           !sp->options && !sp->discards.n && !sp->issues.n;
}

/* A file in TABARI syntax (by extension) or PETRARCH syntax. */
static void load_each(vg_dict *d, const vg_paths *files, const char *tabari_ext,
                      vg_loader tabari, vg_loader petrarch, vg_diag *diag)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *f = files->v[i];
        vg_dict_load_file(d, f, has_ext(f, tabari_ext) || !petrarch ? tabari : petrarch, diag);
    }
}

vg_dict *vg_dict_load_spec(const vg_dict_spec *sp, vg_diag *diag)
{
    vg_dict *d = vg_dict_new();
    if (vg_dict_spec_empty(sp)) {
        vg_dict_load_defaults(d, diag);
    } else {
        if (sp->project) {
            d->opt.tabari_compat = true;
            vg_dict_load_tabari_project(d, sp->project, diag, NULL);
        }
        if (sp->config) vg_dict_load_petrarch_config(d, sp->config, diag);
        load_each(d, &sp->actors, ".actors", vg_dict_load_tabari_actors,
                  vg_dict_load_petrarch_actors, diag);
        load_each(d, &sp->agents, ".agents", vg_dict_load_tabari_agents,
                  vg_dict_load_petrarch_agents, diag);
        load_each(d, &sp->verbs, ".verbs", vg_dict_load_tabari_verbs,
                  vg_dict_load_petrarch_verbs, diag);
        load_each(d, &sp->discards, ".discards", vg_dict_load_petrarch_discards,
                  vg_dict_load_petrarch_discards, diag);
        load_each(d, &sp->issues, ".issues", vg_dict_load_petrarch_issues,
                  vg_dict_load_petrarch_issues, diag);
        if (sp->options) vg_dict_load_file(d, sp->options, vg_dict_load_tabari_options, diag);
        /* TABARI dictionaries are coded the TABARI way */
        bool tabari = sp->project || sp->options;
        for (size_t i = 0; i < sp->verbs.n; i++)
            tabari |= has_ext(sp->verbs.v[i], ".verbs");
        if (tabari) d->opt.tabari_compat = true;
    }
    vg_dict_compile(d);
    return d;
}

void vg_dict_spec_free(vg_dict_spec *sp)
{
    vg_vec_free(&sp->actors);
    vg_vec_free(&sp->agents);
    vg_vec_free(&sp->verbs);
    vg_vec_free(&sp->discards);
    vg_vec_free(&sp->issues);
}
