/* What a standby runner makes ahead of its request (see server.c): the server forks the next runner as
 * soon as it has handed a request off, and that runner prepares, from the options of the request just
 * handed off, what a run's set-up spends most of its time on and what does not depend on the run itself:
 * a cgroup claimed (its limits are the run's, written once the request is in), a network namespace from
 * the pool, the scratch tmpfs with its work/ and tmp/, the prepared root's namespace, the host's
 * allocation bound. A judge runs test after test with the same options, so the next request finds them
 * ready; each piece is used only when the request's options are those it was made for, and whatever the
 * run did not use goes after its result, never before.
 *
 * Nothing made here is shared: each piece belongs to the one runner that made it, and is what that
 * runner would have made for itself a moment later. A failure here (any meta_error) abandons what was
 * made and leaves the run to make everything itself. */
#include "runner.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ahead {
    int made;
    struct opts o; /* the options it was made for (strings in the server's copy of that request) */
    struct cgroup cg;
    int cg_made, cg_taken;
    int netns_fd, host_mnt_fd, netns_taken;
    char claimed[4096];
    int scratch_fd, template_fd;
    unsigned long long huge;
    char taken[64];
};

static struct ahead A = {.netns_fd = -1, .host_mnt_fd = -1, .scratch_fd = -1, .template_fd = -1};
static jmp_buf abandon;
static pid_t ahead_making; /* the standby's pid while it makes ahead: a child it forks (a template's
                              maker) has another, and fails as a child does */

void ahead_abandon(void) {
    if (ahead_making && ahead_making == getpid()) longjmp(abandon, 1);
}

static void took(const char *piece) {
    size_t n = strlen(A.taken);
    snprintf(A.taken + n, sizeof A.taken - n, "%s%s", n ? " " : "", piece);
}

const char *ahead_taken(void) { return A.taken; }

static int same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* The read-only paths a prepared root holds (those outside /tmp), in order. */
static int same_root_paths(const struct opts *a, const struct opts *b) {
    int i = 0, j = 0;
    for (;;) {
        while (i < a->n_ro && under_tmp(a->ro[i])) i++;
        while (j < b->n_ro && under_tmp(b->ro[j])) j++;
        if (i == a->n_ro || j == b->n_ro) return i == a->n_ro && j == b->n_ro;
        if (strcmp(a->ro[i++], b->ro[j++])) return 0;
    }
}

void ahead_make(int argc, char **argv) {
    if (geteuid() != 0) return; /* rootless runs build their sandbox in a user namespace: not here */
    meta_fd = -1;
    ahead_making = getpid();
    if (setjmp(abandon)) {
        ahead_making = 0;
        ahead_release();
        memset(&A, 0, sizeof A);
        A.netns_fd = A.host_mnt_fd = A.scratch_fd = A.template_fd = -1;
        return;
    }
    runner_parse(argc, argv);
    timing = 0; /* (the run's own parse sets it: its marks start with the run) */
    A.o = O;
    cg_acquire(&A.cg, 's');
    A.cg_made = 1;
    if (O.netns_pool && !O.netns_path) {
        A.host_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
        A.netns_fd = netns_claim(O.netns_pool, A.claimed, sizeof A.claimed);
    }
    if (O.mnt_template) {
        A.scratch_fd = scratch_make();
        /* (a failure here, say a read-only path gone since, is not remembered against later runs) */
        if (A.scratch_fd >= 0) A.template_fd = template_open(O.mnt_template, 0);
    }
    A.huge = impossible_alloc();
    A.made = 1;
    ahead_making = 0;
}

int ahead_cgroup(struct cgroup *cg) {
    const struct opts *a = &A.o;
    if (!A.cg_made || A.cg_taken || O.rootless || a->no_cgroup != O.no_cgroup || !same(a->cgroup_v2_dir, O.cgroup_v2_dir) ||
        !same(a->cgroup_root, O.cgroup_root) || !same(a->cgroup_name, O.cgroup_name) || (a->cgroup_pool > 0) != (O.cgroup_pool > 0))
        return 0;
    *cg = A.cg;
    A.cg_taken = 1;
    took("cgroup");
    return 1;
}

int ahead_netns(int *host_mnt_fd, char *claimed, size_t len) {
    if (!A.made || A.netns_taken || A.netns_fd < 0 || O.netns_path || !same(A.o.netns_pool, O.netns_pool)) return -1;
    A.netns_taken = 1;
    took("netns");
    *host_mnt_fd = A.host_mnt_fd;
    snprintf(claimed, len, "%s", A.claimed);
    A.host_mnt_fd = -1;
    int fd = A.netns_fd;
    A.netns_fd = -1;
    return fd;
}

int ahead_scratch(void) {
    if (!A.made || A.scratch_fd < 0 || A.o.disk != O.disk || A.o.uid != O.uid || A.o.gid != O.gid) return -1;
    int fd = A.scratch_fd;
    A.scratch_fd = -1;
    took("scratch");
    return fd;
}

int ahead_template(const char *dir) {
    if (!A.made || A.template_fd < 0 || !same(A.o.mnt_template, dir) || !same_root_paths(&A.o, &O)) return -1;
    int fd = A.template_fd;
    A.template_fd = -1;
    took("root");
    return fd;
}

unsigned long long ahead_huge(void) { return A.made ? A.huge : impossible_alloc(); }

static int move_fd(int *fd, int lo, int *lowest) {
    if (*fd < 0) return 0;
    int moved = fcntl(*fd, F_DUPFD_CLOEXEC, lo);
    if (moved < 0) return -1;
    close(*fd);
    *fd = moved;
    if (moved < *lowest) *lowest = moved;
    return 0;
}

int ahead_relocate(int lo) {
    int lowest = INT_MAX, bad = 0;
    if (!A.made) return lowest;
    if (A.cg_made && !A.cg_taken) {
        bad |= move_fd(&A.cg.cpu_fd, lo, &lowest);
        for (int i = 0; i < A.cg.n_procs; i++) bad |= move_fd(&A.cg.procs_fd[i], lo, &lowest);
        for (int i = 0; i < CG_STATS; i++) bad |= move_fd(&A.cg.stat_fd[i], lo, &lowest);
    }
    bad |= move_fd(&A.netns_fd, lo, &lowest);
    bad |= move_fd(&A.host_mnt_fd, lo, &lowest);
    bad |= move_fd(&A.scratch_fd, lo, &lowest);
    bad |= move_fd(&A.template_fd, lo, &lowest);
    if (bad) _exit(124); /* out of fds: the server reports the run's end like any runner's failure */
    return lowest;
}

void ahead_release(void) {
    if (A.scratch_fd >= 0) close(A.scratch_fd);
    if (A.template_fd >= 0) close(A.template_fd);
    A.scratch_fd = A.template_fd = -1;
    if (A.netns_fd >= 0) {
        close(A.netns_fd);
        A.netns_fd = -1;
        /* (the entry's lock holds this pid: a release that never happens is swept once it is gone) */
        if (A.claimed[0] && A.host_mnt_fd >= 0 && !setns(A.host_mnt_fd, CLONE_NEWNS)) netns_release(A.claimed);
    }
    if (A.host_mnt_fd >= 0) close(A.host_mnt_fd);
    A.host_mnt_fd = -1;
    if (A.cg_made && !A.cg_taken) {
        cg_close(&A.cg);
        cg_remove(&A.cg);
    }
    A.cg_made = 0;
}
