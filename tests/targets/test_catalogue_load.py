import csv
import shutil

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from targets.models import (
    Goal,
    Indicator,
    MigrationRelevance,
    Target,
    indicator_position,
    target_position,
)
from targets.services import CATALOGUE_DIR, CatalogueError, catalogue_load


def test_the_catalogue_has_the_official_counts(catalogue):
    assert Goal.objects.count() == 17
    assert Target.objects.count() == 169
    assert Indicator.objects.count() == 248
    per_goal = [goal.targets.count() for goal in Goal.objects.order_by("number")]
    assert per_goal == [7, 8, 13, 10, 9, 8, 5, 12, 8, 10, 10, 11, 5, 10, 12, 12, 19]


def test_each_target_carries_its_migration_relevance(catalogue):
    explicit = set(
        Target.objects.filter(migration_relevance=MigrationRelevance.EXPLICIT).values_list(
            "code", flat=True
        )
    )
    assert explicit == {"4.b", "5.2", "8.5", "8.7", "8.8", "10.7", "10.c", "16.2", "17.18"}
    assert Target.objects.filter(migration_relevance=MigrationRelevance.CROSS_CUTTING).count() == 49
    assert Target.objects.get(code="1.1").migration_relevance == MigrationRelevance.CROSS_CUTTING
    assert Target.objects.get(code="15.7").migration_relevance == MigrationRelevance.NONE
    assert "Remittance" in Target.objects.get(code="10.c").migration_note


def test_titles_are_loaded_in_english_french_and_spanish(catalogue):
    target = Target.objects.get(code="10.7")
    assert target.title_en.startswith("Facilitate orderly, safe, regular and responsible migration")
    assert "migration" in target.title_fr.lower()
    assert "migración" in target.title_es.lower()
    assert Goal.objects.get(number=8).short_title_fr == "Travail décent et croissance économique"


def test_targets_follow_the_official_order(catalogue):
    codes = list(Target.objects.values_list("code", flat=True))
    assert codes.index("10.7") < codes.index("10.a") < codes.index("10.c")
    assert codes.index("8.9") < codes.index("8.10")
    assert codes.index("9.c") < codes.index("10.1")
    with (CATALOGUE_DIR / "targets.csv").open(encoding="utf-8") as handle:
        assert codes == [row["code"] for row in csv.DictReader(handle)]


def test_indicators_follow_the_official_order(catalogue):
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert codes.index("8.9.1") < codes.index("8.10.1") < codes.index("8.a.1")
    with (CATALOGUE_DIR / "indicators.csv").open(encoding="utf-8") as handle:
        assert codes == [row["code"] for row in csv.DictReader(handle)]


@given(
    goal=st.integers(1, 17),
    first=st.one_of(st.integers(1, 19), st.sampled_from("abcdefg")),
    second=st.one_of(st.integers(1, 19), st.sampled_from("abcdefg")),
)
def test_target_order_puts_numbers_numerically_before_letters(goal, first, second):
    def official(part):
        return (0, part, "") if isinstance(part, int) else (1, 0, part)

    a, b = f"{goal}.{first}", f"{goal}.{second}"
    assert (target_position(a) < target_position(b)) == (official(first) < official(second))


def test_indicator_codes_that_are_not_codes_are_refused():
    with pytest.raises(ValueError, match="not an SDG indicator code"):
        indicator_position("10.7")


def test_loading_twice_changes_nothing(catalogue):
    before = list(Target.objects.values_list("id", "code", "title_fr", "migration_relevance"))
    result = catalogue_load()
    assert not result.changed
    assert result.created == {"goals": 0, "targets": 0, "indicators": 0}
    assert list(Target.objects.values_list("id", "code", "title_fr", "migration_relevance")) == (
        before
    )


def test_a_corrected_title_is_updated_in_place(catalogue, tmp_path):
    data_dir = tmp_path / "sdg"
    shutil.copytree(CATALOGUE_DIR, data_dir)
    rows = list(csv.DictReader((data_dir / "targets.csv").open(encoding="utf-8")))
    rows[0]["title_fr"] = "Titre corrigé"
    with (data_dir / "targets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    target_id = Target.objects.get(code="1.1").id

    result = catalogue_load(data_dir=data_dir)

    assert result.updated["targets"] == 1
    assert Target.objects.get(id=target_id).title_fr == "Titre corrigé"
    assert Target.objects.count() == 169


def test_a_missing_file_is_reported_by_name_and_nothing_is_loaded(db, tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path / "sdg")
    (tmp_path / "sdg" / "indicators.csv").unlink()
    with pytest.raises(CatalogueError, match=r"indicators\.csv: No such file"):
        catalogue_load(data_dir=tmp_path / "sdg")
    assert Goal.objects.count() == 0


def test_an_unknown_relevance_code_rolls_back_the_whole_load(db, tmp_path):
    shutil.copytree(CATALOGUE_DIR, tmp_path / "sdg")
    with (tmp_path / "sdg" / "migration_targets.csv").open("a", encoding="utf-8") as handle:
        handle.write("99.9,explicit,note,source\n")
    with pytest.raises(CatalogueError, match="unknown target"):
        catalogue_load(data_dir=tmp_path / "sdg")
    assert Goal.objects.count() == 0


def test_the_command_turns_an_unreadable_file_into_one_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"cannot read SDG catalogue file .*goals\.csv"):
        call_command("load_sdg_catalogue", data_dir=tmp_path)


def test_the_command_reports_an_up_to_date_catalogue(catalogue, capsys):
    call_command("load_sdg_catalogue")
    assert "already up to date" in capsys.readouterr().out
