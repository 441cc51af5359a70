"""Importing the same files again creates nothing and says `0 created`."""

import pytest
from django.core.management import call_command

from profiles import models as pm
from publications.models import Authorship, Publication
from tests.profiles.test_demo import snapshot

pytestmark = pytest.mark.django_db

FILES = ["members.csv", "publications.csv", "lab.bib", "same_paper.json", "resume.json"]


def run(paths, capsys):
    call_command("import_profiles", *map(str, paths))
    return capsys.readouterr().out


def test_second_run_creates_nothing(data, capsys):
    paths = [data / name for name in FILES]
    first = run(paths, capsys)
    assert "0 created" not in first.splitlines()[0]
    before = snapshot()
    second = run(paths, capsys)
    assert second.splitlines()[0].startswith("0 created, 0 updated")
    assert snapshot() == before


def test_second_run_of_a_directory_creates_nothing(data, tmp_path, capsys):
    for name in FILES:
        (tmp_path / name).write_bytes((data / name).read_bytes())
    run([tmp_path], capsys)
    counts = (pm.Profile.objects.count(), Publication.objects.count(), Authorship.objects.count())
    assert "0 created" in run([tmp_path], capsys)
    assert (pm.Profile.objects.count(), Publication.objects.count(), Authorship.objects.count()) == counts
