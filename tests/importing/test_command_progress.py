"""The import commands draw a progress bar on stderr when it is a terminal, and stay quiet when piped."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import ProfileFactory
from tests.profiles.formats.test_cvdoc_command import CV
from tests.profiles.formats.test_sites import HUGO, write

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self):
        return True


def bib(tmp_path, n=30):
    path = tmp_path / "papers.bib"
    path.write_text(
        "".join(f"@article{{k{i}, title={{Paper {i}}}, author={{Ann Author}}, year={{2020}}}}\n" for i in range(n))
    )
    return path


def run(name, *args, stderr):
    out = StringIO()
    call_command(name, *map(str, args), stdout=out, stderr=stderr)
    return out.getvalue()


def test_import_profiles_draws_a_bar_on_a_terminal(tmp_path):
    err = Terminal()
    out = run("import_profiles", bib(tmp_path), stderr=err)
    bar = err.getvalue()
    assert "\r[" in bar
    assert "100% 30/30 read 30 created 30" in bar
    assert bar.endswith("\n")  # the bar's line is ended before the report
    assert "\r" not in out  # the report on stdout stays clean
    assert "publication: 30 created" in out


def test_nothing_on_stderr_when_piped(tmp_path):
    err = StringIO()  # not a terminal
    out = run("import_profiles", bib(tmp_path), stderr=err)
    assert err.getvalue() == ""
    assert "30 created" in out


def test_no_progress_flag_silences_the_bar_on_a_terminal(tmp_path):
    err = Terminal()
    run("import_profiles", bib(tmp_path), "--no-progress", stderr=err)
    assert err.getvalue() == ""


def test_import_cv_and_import_site_share_the_bar(tmp_path):
    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima")
    cv = tmp_path / "cv.md"
    cv.write_text(CV)
    err = Terminal()
    out = run("import_cv", cv, "--profile", member.slug, stderr=err)
    assert "\r[" in err.getvalue()
    assert "read cv.md:" in out
    err = Terminal()
    run("import_site", write(tmp_path / "hugo", HUGO), "--lab", stderr=err)
    assert "\r[" in err.getvalue()


def test_strict_is_shared_by_the_commands(tmp_path):
    from django.core.management.base import CommandError

    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima")
    cv = tmp_path / "cv.md"
    cv.write_text(CV)  # its "Hobbies" section is not one the site holds: a warning
    with pytest.raises(CommandError, match="nothing was written"):
        run("import_cv", cv, "--profile", member.slug, "--strict", stderr=StringIO())
    from profiles.models import Education

    assert not Education.objects.exists()
