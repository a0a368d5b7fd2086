/* Raw and packet sockets (sniffing, spoofing) and netlink route changes. */
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
int main(void) {
    struct { int domain, type, proto; const char *name; } tries[] = {
        {AF_INET, SOCK_RAW, IPPROTO_ICMP, "raw icmp"}, {AF_INET, SOCK_RAW, IPPROTO_RAW, "raw ip"},
        {AF_PACKET, SOCK_RAW, 0x0300, "packet"}, {AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, "raw icmp6"}};
    for (unsigned i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        int s = socket(tries[i].domain, tries[i].type, tries[i].proto);
        if (s >= 0) printf("ESCAPED: opened %s socket\n", tries[i].name);
        else printf("blocked %s\n", tries[i].name);
    }
    return 0;
}
