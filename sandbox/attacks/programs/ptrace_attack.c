/* ptrace: attach to the parent and to pid 1, trace a child. */
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    if (ptrace(PTRACE_ATTACH, getppid(), 0, 0) == 0) puts("ESCAPED: attached to parent");
    if (ptrace(PTRACE_ATTACH, 1, 0, 0) == 0) puts("ESCAPED: attached to pid 1");
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0) puts("ESCAPED: traceme");
    if (ptrace(PTRACE_SEIZE, getpid(), 0, 0) == 0) puts("ESCAPED: seize self");
    puts("done");
    return 0;
}
