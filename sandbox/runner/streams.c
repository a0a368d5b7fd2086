/* The program's stdout and stderr: pipes the runner reads, counts against their limits and copies to the
 * caller's fds. */
#include "runner.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pump_in(struct stream *s) {
    ssize_t n = read(s->in, s->buf, CHUNK);
    if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (n == 0) return 0;
    long long room = s->limit < 0 ? n : s->limit - s->count;
    if (room > n) room = n;
    if (room < 0) room = 0;
    s->off = 0;
    s->len = s->out >= 0 ? (size_t)room : 0;
    s->count += n;
    return s->limit >= 0 && s->count > s->limit ? 2 : 1;
}

void pump_out(struct stream *s) {
    size_t want = s->len - s->off;
    /* POLLOUT on a pipe promises PIPE_BUF bytes of room: more could block. */
    if (s->out_is_pipe && want > PIPE_BUF) want = PIPE_BUF;
    ssize_t w = write(s->out, s->buf + s->off, want);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (w <= 0) { s->out = -1; s->off = s->len = 0; return; } /* reader gone: keep counting, drop */
    s->off += (size_t)w;
    if (s->off == s->len) s->off = s->len = 0;
}

void stream_init(struct stream *s, int in, int out, long long limit, const char *name) {
    struct stat st;
    memset(s, 0, sizeof *s);
    s->in = in;
    s->out = out;
    s->open = 1;
    s->limit = limit;
    s->name = name;
    s->buf = malloc(CHUNK);
    if (!s->buf) meta_error("sandbox", "out of memory");
    s->out_is_pipe = out >= 0 && !fstat(out, &st) && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

