"""The judge image's recipe: where its Debian packages come from and what its tags depend on."""

from __future__ import annotations

from pathlib import Path

from sandbox.docker.image import apt_mirror, base_tag, dockerfile, image_tag
from sandbox.docker.options import JUDGE_PACKAGES, DockerOptions


def test_mirror_from_one_line_and_deb822_sources(tmp_path: Path) -> None:
    one_line = tmp_path / "sources.list"
    one_line.write_text(
        "# comment\ndeb [arch=amd64] http://mirror.example/debian bookworm main\n"
        "deb http://mirror.example/debian-security bookworm-security main\n"
    )
    assert apt_mirror("bookworm", (one_line,)) == "http://mirror.example/debian"
    assert apt_mirror("trixie", (one_line,)) is None
    d = tmp_path / "sources.list.d"
    d.mkdir()
    (d / "debian.sources").write_text(
        "Types: deb\nURIs: http://other.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb deb-src\nURIs: http://other.example/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\n"
    )
    (d / "vendor.list").write_text("deb https://vendor.example/apt bookworm main\n")
    assert apt_mirror("bookworm", (tmp_path / "missing.list", d)) == "http://other.example/debian"


def test_tags_follow_what_goes_in() -> None:
    default = DockerOptions()
    assert default.packages == JUDGE_PACKAGES
    fewer = default.model_copy(update={"packages": ("g++", "python3")})
    reordered = default.model_copy(update={"packages": tuple(reversed(JUDGE_PACKAGES))})
    assert base_tag(default) == base_tag(reordered) != base_tag(fewer)
    assert image_tag(default).startswith("cpelo-judge:") and image_tag(default) != image_tag(fewer)
    assert base_tag(default.model_copy(update={"suite": "trixie"})) != base_tag(default)
    assert image_tag(default.model_copy(update={"image": "mine:1"})) == "mine:1"


def test_dockerfile_installs_the_packages_on_slim_debian() -> None:
    text = dockerfile(DockerOptions())
    assert text.startswith("FROM debian:bookworm-slim\n")
    assert all(p in text for p in JUDGE_PACKAGES) and "--no-install-recommends" in text
