/* The new mount API (Linux 5.2+) and mount_setattr (5.12+) for libc/kernel headers that predate them:
 * syscall numbers (one table for every architecture since 5.2), flags, and struct mount_attr. */
#ifndef CPELO_MOUNT_API_H
#define CPELO_MOUNT_API_H

#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h> /* first: newer glibc declares some of these as enum constants, not macros */
#include <sys/syscall.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* Declared by hand under our own name: older headers lack struct mount_attr (layout MOUNT_ATTR_SIZE_VER0). */
struct cpelo_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#endif
