"""PageWriter (generator/build/write.py): pages and files written a piece at a time, linked or left alone
when their bytes did not change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build.write import PageWriter
from generator.source.cache import file_digest, page_digest


def pieces(*parts: bytes) -> Iterator[bytes]:
    yield from parts


def test_chunks_are_written_with_their_digest(tmp_path: Path) -> None:
    writer = PageWriter(tmp_path / "site")
    writer.write_chunks("data/clients.json", pieces(b"[\n", b"{}", b"\n]\n"))
    target = tmp_path / "site" / "data" / "clients.json"
    assert target.read_bytes() == b"[\n{}\n]\n"
    assert writer.digests["data/clients.json"] == page_digest(b"[\n{}\n]\n") == file_digest(target)
    assert writer.changed == {"data/clients.json"} == writer.written
    assert [p.name for p in target.parent.iterdir()] == ["clients.json"]  # no temporary file left


def test_chunks_the_same_as_in_the_previous_site_are_linked(tmp_path: Path) -> None:
    previous = tmp_path / "old"
    PageWriter(previous).write_chunks("calendar.ics", pieces(b"BEGIN", b":VCALENDAR"))
    PageWriter(previous).write_chunks("other.ics", pieces(b"old"))
    writer = PageWriter(tmp_path / "new", previous=previous)
    writer.write_chunks("calendar.ics", pieces(b"BEGIN:", b"VCALENDAR"))
    writer.write_chunks("other.ics", pieces(b"new"))
    assert (tmp_path / "new" / "calendar.ics").stat().st_ino == (previous / "calendar.ics").stat().st_ino
    assert (tmp_path / "new" / "other.ics").stat().st_ino != (previous / "other.ics").stat().st_ino
    assert (tmp_path / "new" / "other.ics").read_bytes() == b"new"
    assert (previous / "other.ics").read_bytes() == b"old"  # never written through a link
    assert writer.changed == {"other.ics"}


def test_chunks_in_a_served_site_replace_a_file_only_when_it_changed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    PageWriter(site).write_chunks("calendar.ics", pieces(b"same"))
    inode = (site / "calendar.ics").stat().st_ino
    writer = PageWriter(site, in_place=True)
    writer.write_chunks("calendar.ics", pieces(b"sa", b"me"))
    assert (site / "calendar.ics").stat().st_ino == inode and writer.changed == set()
    writer = PageWriter(site, in_place=True)
    writer.write_chunks("calendar.ics", pieces(b"changed"))
    assert (site / "calendar.ics").read_bytes() == b"changed" and writer.changed == {"calendar.ics"}
    assert sorted(p.name for p in site.iterdir()) == ["calendar.ics"]


def test_a_file_is_written_once(tmp_path: Path) -> None:
    writer = PageWriter(tmp_path)
    writer.write("a.json", b"{}")
    with pytest.raises(ValueError, match="two pages"):
        writer.write_chunks("a.json", pieces(b"{}"))
    with pytest.raises(ValueError, match="outside the site"):
        writer.write_chunks("../escape.json", pieces(b"{}"))


def test_chunks_are_written_where_hard_links_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous = tmp_path / "old"
    PageWriter(previous).write_chunks("calendar.ics", pieces(b"same"))

    def no_links(source: object, target: object) -> None:
        raise OSError("this file system has no hard links")

    monkeypatch.setattr("generator.build.write.os.link", no_links)
    writer = PageWriter(tmp_path / "new", previous=previous)
    writer.write_chunks("calendar.ics", pieces(b"sa", b"me"))
    assert (tmp_path / "new" / "calendar.ics").read_bytes() == b"same"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["calendar.ics"]
