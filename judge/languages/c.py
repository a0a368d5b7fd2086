"""GNU C11."""

from __future__ import annotations

from judge.languages.gcc import GCCLanguage


class C11(GCCLanguage):
    id = "c11"
    family = "c"
    name = "GNU C11"
    extensions = (".c",)
    fence_tags = ("c", "c11", "gnu c", "gnu c11")
    source_name = "main.c"
    command = "gcc"
    std = "gnu11"
    install_hint = "apt-get install gcc"
    test_program = """\
#include <stdio.h>
int main(void) {
    int c;
    while ((c = getchar()) != EOF) putchar(c);
    return 0;
}
"""
