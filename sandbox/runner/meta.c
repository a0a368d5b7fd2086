/* The runner's only output to its caller: one JSON line on --meta-fd, either the run's measurements or
 * {"error": kind, "message": ...}. Parsed by sandbox/runner_protocol.py. */
#include "runner.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

int meta_fd = -1;

void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void meta_error(const char *kind, const char *fmt, ...) {
    ahead_abandon(); /* a standby's failure ahead of its request is no run's error (ahead.c) */
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (meta_fd >= 0) {
        FILE *f = fdopen(meta_fd, "w");
        if (f) {
            fprintf(f, "{\"error\": ");
            json_str(f, kind);
            fprintf(f, ", \"message\": ");
            json_str(f, msg);
            fprintf(f, "}\n");
            fclose(f);
        }
    } else {
        fprintf(stderr, "runner: %s: %s\n", kind, msg);
    }
    _exit(3);
}

void meta_write(const struct run_meta *r) {
    FILE *m = fdopen(meta_fd, "w");
    if (!m) exit(3);
    fprintf(m, "{\"status\": %d, \"exec_errno\": %d, \"cpu_ns\": %lld, \"wall_ns\": %lld, \"peak\": %lld, "
               "\"failcnt\": %lld, \"oom_kill\": %lld, \"pids_max_hits\": %lld, \"stdout_bytes\": %lld, "
               "\"stderr_bytes\": %lld, \"cgroup_v2\": %s, \"cgroup\": \"%s\", \"rootless\": %s, "
               "\"wait_ns\": %lld, \"schedstat\": %d, \"wall_cap_ns\": %lld, \"tcp_peak\": %lld, "
               "\"end_mono_ns\": %lld, \"killed_by\": ",
            r->status, r->exec_errno, r->cpu_ns, r->wall_ns, r->peak, r->failcnt, r->oom_kill, r->pids_max_hits,
            r->stdout_bytes, r->stderr_bytes, r->cgroup_v2 ? "true" : "false",
            r->cgroup_none ? "none" : r->cgroup_v2 ? "v2" : "v1", r->rootless ? "true" : "false", r->wait_ns,
            r->schedstat, r->wall_cap_ns, r->tcp_peak, r->end_mono_ns);
    if (r->killed_by) json_str(m, r->killed_by);
    else fputs("null", m);
    fputs(", \"netns\": ", m);
    json_str(m, r->netns ? r->netns : "");
    fprintf(m, ", \"root\": \"%s\"", r->prepared_root ? "prepared" : "built");
    fprintf(m, ", \"cgroup_pool\": %s", r->cgroup_pool ? "true" : "false");
    fputs(", \"ahead\": ", m);
    json_str(m, r->ahead ? r->ahead : "");
    if (marks) {
        /* Each phase: the time since the previous mark, runner's and child's in time order. */
        marks_sort();
        int n = marks->n < MAX_MARKS ? marks->n : MAX_MARKS;
        fprintf(m, ", \"start_ns\": %lld, \"phases_ns\": {", n ? marks->m[0].ns : 0);
        for (int i = 1; i < n; i++)
            fprintf(m, "%s\"%s\": %lld", i > 1 ? ", " : "", marks->m[i].name, marks->m[i].ns - marks->m[i - 1].ns);
        fputs("}", m);
    }
    fputs("}\n", m);
    fclose(m);
}
