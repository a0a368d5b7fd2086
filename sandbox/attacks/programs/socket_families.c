/* Sockets of families a solution never needs: vsock (not per network namespace: on a VM it reaches the
 * host's services), netlink, packet, MPTCP, SCTP, bluetooth, alg, key, tipc, rds, xdp, can. TCP and UDP
 * over IPv4/IPv6 and unix sockets must keep working. */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
int main(void) {
    struct { int domain, type, proto; const char *name; } denied[] = {
        {AF_VSOCK, SOCK_STREAM, 0, "vsock stream"}, {AF_VSOCK, SOCK_DGRAM, 0, "vsock dgram"},
        {AF_NETLINK, SOCK_RAW, 0, "netlink route"}, {AF_NETLINK, SOCK_DGRAM, 4, "netlink sock_diag"},
        {AF_NETLINK, SOCK_RAW, 9, "netlink audit"}, {AF_PACKET, SOCK_DGRAM, 0, "packet dgram"},
        {AF_INET, SOCK_STREAM, IPPROTO_MPTCP, "mptcp"}, {AF_INET6, SOCK_STREAM, IPPROTO_MPTCP, "mptcp6"},
        {AF_INET, SOCK_STREAM, IPPROTO_SCTP, "sctp"}, {AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, "udplite"},
        {AF_BLUETOOTH, SOCK_RAW, 0, "bluetooth"}, {AF_ALG, SOCK_SEQPACKET, 0, "alg"},
        {AF_KEY, SOCK_RAW, 2, "pf_key"}, {AF_TIPC, SOCK_RDM, 0, "tipc"}, {AF_RDS, SOCK_SEQPACKET, 0, "rds"},
        {AF_XDP, SOCK_RAW, 0, "xdp"}, {AF_CAN, SOCK_RAW, 1, "can"}, {AF_APPLETALK, SOCK_DGRAM, 0, "appletalk"}};
    for (unsigned i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        int s = socket(denied[i].domain, denied[i].type, denied[i].proto);
        if (s >= 0) { printf("ESCAPED: opened a %s socket\n", denied[i].name); close(s); }
        else printf("blocked %s\n", denied[i].name);
    }
    int sv[2];
    if (socketpair(AF_NETLINK, SOCK_RAW, 0, sv) == 0) printf("ESCAPED: netlink socketpair\n");
    struct { int domain, type, proto; } allowed[] = {
        {AF_UNIX, SOCK_STREAM, 0}, {AF_INET, SOCK_STREAM, 0}, {AF_INET, SOCK_DGRAM, IPPROTO_UDP},
        {AF_INET6, SOCK_STREAM, IPPROTO_TCP}, {AF_INET6, SOCK_DGRAM, 0}};
    int ok = 0;
    for (unsigned i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        int s = socket(allowed[i].domain, allowed[i].type, allowed[i].proto);
        if (s >= 0) { ok++; close(s); }
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) ok++;
    printf("allowed %d\n", ok);
    return 0;
}
