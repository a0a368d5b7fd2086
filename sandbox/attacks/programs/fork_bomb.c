/* Fork forever: the pids cgroup caps the tree; the loop burns CPU until the CPU limit. */
#include <unistd.h>
int main(void) { for (;;) fork(); }
