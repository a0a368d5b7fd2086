"""GNU C++17 and C++20 (g++)."""

from __future__ import annotations

from typing import ClassVar

from judge.languages.gcc import GCCLanguage


class Cpp17(GCCLanguage):
    id = "cpp17"
    family = "cpp"
    name = "GNU C++17"
    extensions: ClassVar[tuple[str, ...]] = (".cpp", ".cc", ".cxx", ".c++", ".cp")
    fence_tags: ClassVar[tuple[str, ...]] = ("cpp", "c++", "cxx", "cc", "cpp17", "c++17", "gnu c++17")
    source_name = "main.cpp"
    command = "g++"
    std = "c++17"
    libraries = ()
    install_hint = "apt-get install g++"
    test_program = """\
#include <iostream>
#if __cplusplus >= 201703L
int main() {
    std::ios::sync_with_stdio(false);
    std::cout << std::cin.rdbuf();
    return 0;
}
#endif
"""


class Cpp20(Cpp17):
    id = "cpp20"
    name = "GNU C++20"
    extensions = ()
    fence_tags = ("cpp20", "c++20", "gnu c++20")
    std = "c++20"
    test_program = """\
#include <iostream>
#include <span>
#if __cplusplus >= 202002L
int main() {
    auto echo = [](std::istream& in) -> std::streambuf* { return in.rdbuf(); };
    std::cout << echo(std::cin);
    return 0;
}
#endif
"""


class Cpp23(Cpp20):
    """GNU C++23: what problemtools (Kattis) compiles C++ with (`g++ -std=gnu++23`); cpelo uses it for
    the C++ of Kattis packages, whose jury code may need it."""

    id = "cpp23"
    name = "GNU C++23"
    fence_tags = ("cpp23", "c++23", "gnu c++23")
    std = "gnu++23"
    test_program = """\
#include <iostream>
#if __cplusplus > 202002L
int main() {
    std::cout << std::cin.rdbuf();
    return 0;
}
#endif
"""
