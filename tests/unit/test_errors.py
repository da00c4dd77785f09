"""Operating-system errors in Norwegian (errors.os_reason), and the places that show them."""
from __future__ import annotations

import errno

import pytest

from digireform import sync
from digireform.io.yamlio import load_with_lines
from digireform.model.errors import DigireformError, Problem, os_reason


@pytest.mark.parametrize(("code", "english", "norwegian"), [
    (errno.EACCES, "Permission denied", "ingen tilgang"),
    (errno.EPERM, "Operation not permitted", "ingen tilgang"),
    (errno.ENOENT, "No such file or directory", "finnes ikke"),
    (errno.EISDIR, "Is a directory", "er en mappe, ikke en fil"),
    (errno.ENOTDIR, "Not a directory", "en del av stien er en fil, ikke en mappe"),
    (errno.ENOSPC, "No space left on device", "disken er full"),
    (errno.EROFS, "Read-only file system", "disken er skrivebeskyttet"),
    (errno.ELOOP, "Too many levels of symbolic links", "en symbolsk lenke som ikke følges (eller lenker som går i ring)"),
])
def test_known_error_numbers_in_norwegian(code, english, norwegian):
    assert os_reason(OSError(code, english, "/data/x.csv")) == norwegian


@pytest.mark.parametrize(("exc", "norwegian"), [
    (PermissionError(), "ingen tilgang"),
    (FileNotFoundError(), "finnes ikke"),
    (IsADirectoryError(), "er en mappe, ikke en fil"),
    (NotADirectoryError(), "en del av stien er en fil, ikke en mappe"),
])
def test_error_without_a_number_is_known_by_its_type(exc, norwegian):
    assert os_reason(exc) == norwegian


def test_other_errors_by_number_only_never_in_english():
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "operativsystemet nektet med feilkode 5"
    assert os_reason(OSError("something odd")) == "operativsystemet nektet"


def test_tender_file_that_cannot_be_read(tmp_path, monkeypatch):
    path = tmp_path / "anbud.yaml"
    path.write_text("title: A\n", "utf-8")
    monkeypatch.chdir(tmp_path)

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    problems: list[Problem] = []
    assert load_with_lines(path, problems) is None
    assert [str(p) for p in problems] == ["anbud.yaml: (fil): kan ikke leses: ingen tilgang"]


def test_save_folder_that_cannot_be_opened(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def refuse(path, flags):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(sync.os, "open", refuse)
    with pytest.raises(DigireformError) as caught:
        sync._acquire(tmp_path / "1853-evenes")
    assert str(caught.value) == "Kan ikke lagre i 1853-evenes: mappen kan ikke åpnes (ingen tilgang)."


def test_save_folder_that_cannot_be_locked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "1853-evenes").mkdir()

    def refuse(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(sync, "_flock", refuse)
    with pytest.raises(DigireformError) as caught:
        sync._acquire(tmp_path / "1853-evenes")
    assert str(caught.value) == "Kan ikke låse 1853-evenes for lagring: operativsystemet nektet med feilkode 5."


def test_a_port_in_use_is_said_in_norwegian():
    assert os_reason(OSError(errno.EADDRINUSE, "Address already in use")) == (
        "adressen er allerede i bruk av et annet program")


def test_problem_scope_is_keyword_only_not_shown_and_not_compared():
    cell = Problem("a.csv", 2, "(fil)", "tekst")
    whole = Problem("a.csv", 2, "(fil)", "tekst", scope="file")
    assert cell.scope == "cell" and whole.scope == "file"
    assert cell == whole and str(whole) == "a.csv:2: (fil): tekst"
    with pytest.raises(TypeError):
        Problem("a.csv", 2, "(fil)", "tekst", "file")  # type: ignore[misc]
    with pytest.raises(ValueError, match="scope"):
        Problem("a.csv", 2, "(fil)", "tekst", scope="fil")  # type: ignore[arg-type]
