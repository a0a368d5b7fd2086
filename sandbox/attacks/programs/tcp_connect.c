/* Connect to a TCP listener the self-test opened on the host's loopback. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 80;
    const char *hosts[] = {"127.0.0.1", "10.0.2.2", "172.17.0.1", "192.168.0.1", NULL};
    for (const char **h = hosts; *h; h++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, *h, &a.sin_addr);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
            printf("connected %s:%d\n", *h, port);
            if (write(s, "PWNED", 5) < 0) perror("write");
        } else printf("blocked %s:%d\n", *h, port);
        close(s);
    }
    return 0;
}
