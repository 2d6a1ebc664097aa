"""Monitoring campaigns' rules on the in-memory store: forms and their versions, the window in
the region's calendar, frozen submissions, reviews by the roles a campaign names."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from services.registry.application import NewCampaign, NewFixOrder
from services.registry.domain import Campaign, Submission, Verdict, fix_order_id, submission_id
from services.registry.form_examples import DOCUMENT_LIST, S1_CHECKLIST, SCHOOL_FORM
from shared.kernel.errors import AppError
from shared.kernel.principal import Role

from .conftest import School, stored

WINDOW = (date(2026, 11, 7), date(2026, 11, 16))


def refused(school: School, command: Any, *args: Any) -> str:
    before = stored(school)
    with pytest.raises(AppError) as refusal:
        command(*args)
    assert stored(school) == before, "a refused command stores nothing"
    return refusal.value.code


def officer(school: School, role: Role = Role.MUNICIPALITY_OFFICER) -> Any:
    path = school.region_path if role != Role.MUNICIPALITY_OFFICER else None
    return school.staff(role, path=path or school.path.rsplit(".", 1)[0])


def form(school: School, example: dict[str, Any] = DOCUMENT_LIST) -> UUID:
    made, _ = school.registry.draft_form(
        officer(school), school.municipality, example["title"], example["sections"]
    )
    return made.id


def campaign(school: School, form_id: UUID, **changes: Any) -> UUID:
    fields: dict[str, Any] = {
        "title": "Мониторинг документов",
        "form_id": form_id,
        "form_version": 1,
        "act_number": "94-13",
        "act_date": date(2026, 11, 1),
        "target_id": school.municipality,
        "target_kinds": ["school"],
        "window_from": WINDOW[0],
        "window_to": WINDOW[1],
        "reference_date": date(2026, 11, 1),
        "reviewer_roles": ["institute_methodologist"],
    } | changes
    made, _ = school.registry.announce_campaign(officer(school), NewCampaign(**fields))
    return made.id


LINKS = [{"number": f"1.{n}", "value": f"https://school.ru/doc{n}"} for n in range(1, 5)] + [
    {"number": "1.5", "value": True, "evidence": "Программа на сайте"}
]


def submit(school: School, campaign_id: UUID, on: date, answers: list[Any] = LINKS) -> None:
    school.registry.today = lambda: on
    school.registry.answer_campaign(
        school.staff(Role.SCHOOL_DIRECTOR), campaign_id, school.id, answers, True
    )


def the_submission(school: School, campaign_id: UUID) -> Submission:
    return school.registry.load(Submission, submission_id(campaign_id, school.id), "Ответ")


def test_the_three_example_forms_are_valid_templates(school: School) -> None:
    for example in (S1_CHECKLIST, DOCUMENT_LIST, SCHOOL_FORM):
        campaign(school, form(school, example))


def test_last_day_counts_in_full_and_the_next_is_late(school: School) -> None:
    on_time, late = campaign(school, form(school)), campaign(school, form(school))
    submit(school, on_time, WINDOW[1])
    submit(school, late, date(2026, 11, 17))
    events = list(school.registry.events.get(submission_id(on_time, school.id)))
    assert type(events[-1]).__name__ == "Submitted"
    assert events[-1].late is False  # type: ignore[attr-defined]
    late_events = list(school.registry.events.get(submission_id(late, school.id)))
    assert late_events[-1].late is True  # type: ignore[attr-defined]
    assert late_events[-1].submitted_on == date(2026, 11, 17)  # type: ignore[attr-defined]


def test_before_the_window_nothing_is_submitted(school: School) -> None:
    made = campaign(school, form(school))
    school.registry.today = lambda: date(2026, 11, 6)
    code = refused(
        school,
        school.registry.answer_campaign,
        school.staff(Role.SCHOOL_DIRECTOR),
        made,
        school.id,
        LINKS,
        True,
    )
    assert code == "window_not_open"


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"number": "1.1", "value": 5}, "answer_kind"),
        ({"number": "1.5", "value": "да"}, "answer_kind"),
        ({"number": "1.1", "value": "школа.рф"}, "answer_kind"),
        ({"number": "9.9", "value": True}, "item_unknown"),
    ],
)
def test_an_answer_of_the_wrong_kind_is_refused(
    school: School, answer: dict[str, Any], code: str
) -> None:
    made = campaign(school, form(school))
    director = school.staff(Role.SCHOOL_DIRECTOR)
    assert (
        refused(school, school.registry.answer_campaign, director, made, school.id, [answer], False)
        == code
    )


def test_a_frozen_submission_is_not_edited_until_returned(school: School) -> None:
    made = campaign(school, form(school))
    submit(school, made, WINDOW[0])
    director = school.staff(Role.SCHOOL_DIRECTOR)
    change = [{"number": "1.1", "value": "https://school.ru/new"}]
    edit = school.registry.answer_campaign
    assert refused(school, edit, director, made, school.id, change, False) == "submission_frozen"
    reviewer = officer(school, Role.INSTITUTE_METHODOLOGIST)
    school.registry.review_answer(
        reviewer, made, school.id, "1.5", Verdict.PARTLY, ["1.5.2", "1.5.4"], "Добавьте результаты"
    )
    school.registry.conclude_review(reviewer, made, school.id, False, "Доработать программу")
    edit(director, made, school.id, change, False)
    submit(school, made, WINDOW[1], [])  # the draft's change, with the rest as it was
    assert the_submission(school, made).answers["1.1"]["value"] == "https://school.ru/new"


def test_only_the_roles_the_campaign_names_review(school: School) -> None:
    made = campaign(school, form(school))
    submit(school, made, WINDOW[0])
    review = school.registry.review_answer
    args: tuple[Any, ...] = (made, school.id, "1.1", Verdict.ACCEPTED, [], None)
    assert refused(school, review, officer(school), *args) == "reviewer_not_named"
    reviewer = officer(school, Role.INSTITUTE_METHODOLOGIST)
    assert (
        refused(school, review, reviewer, made, school.id, "1.5", Verdict.PARTLY, [], "Нет")
        == "missing_requirements"
    )
    assert (
        refused(school, review, reviewer, made, school.id, "1.5", Verdict.PARTLY, ["1.6.1"], "x")
        == "requirement_unknown"
    )
    review(reviewer, *args)


def test_a_form_a_campaign_runs_changes_only_as_a_new_version(school: School) -> None:
    form_id = form(school)
    registry = school.registry
    changed = DOCUMENT_LIST["sections"]
    registry.revise_form(officer(school), form_id, 1, "Перечень (уточнён)", changed)
    campaign(school, form_id)
    assert (
        refused(school, registry.revise_form, officer(school), form_id, 1, "Ещё", changed)
        == "form_in_use"
    )
    version, _ = registry.new_form_version(officer(school), form_id, "Перечень 2027", changed)
    assert version == 2


def test_computed_values_corrected_only_with_a_comment(school: School) -> None:
    made = campaign(school, form(school, SCHOOL_FORM))
    director = school.staff(Role.SCHOOL_DIRECTOR)
    corrected = [{"number": "3", "value": 5, "computed": 4}]
    code = refused(
        school, school.registry.answer_campaign, director, made, school.id, corrected, False
    )
    assert code == "correction_comment_missing"
    explained = [corrected[0] | {"comment": "Пятый наставник утверждён приказом 20.11"}]
    school.registry.answer_campaign(director, made, school.id, explained, False)


def test_bad_form_shapes_are_refused(school: School) -> None:
    draft = school.registry.draft_form
    bad = [
        ([{"number": "1", "title": "Р", "items": []}], "form_empty"),
        (
            [
                {
                    "number": "1",
                    "title": "Р",
                    "items": [{"number": "1.a", "text": "т", "kind": "text"}],
                }
            ],
            "item_number_invalid",
        ),
        (
            [
                {
                    "number": "1",
                    "title": "Р",
                    "items": [{"number": "1", "text": "т", "kind": "computed", "source": "x"}],
                }
            ],
            "item_source_unknown",
        ),
        (
            [
                {
                    "number": "1",
                    "title": "Р",
                    "items": [{"number": "1", "text": "т", "kind": "choice"}],
                }
            ],
            "item_options",
        ),
        (
            [
                {
                    "number": "1",
                    "title": "Р",
                    "items": [{"number": "1", "text": "т", "kind": "text"}],
                },
                {"number": "1", "title": "Д", "items": []},
            ],
            "section_number_repeated",
        ),
    ]
    for sections, code in bad:
        assert refused(school, draft, officer(school), school.municipality, "Ф", sections) == code


def test_a_municipality_answers_for_its_school_only_when_the_campaign_allows(
    school: School,
) -> None:
    form_id = form(school)
    closed, allowed = (
        campaign(school, form_id),
        campaign(school, form_id, municipality_submits=True),
    )
    school.registry.today = lambda: WINDOW[0]
    answer = school.registry.answer_campaign
    args = (school.id, LINKS, True)
    assert refused(school, answer, officer(school), closed, *args) == "municipality_may_not_submit"
    answer(officer(school), allowed, *args)
    assert the_submission(school, allowed).status == "submitted"


def test_a_campaign_names_its_act_of_the_register_or_only_its_number(school: School) -> None:
    act = UUID("6f1c0000-0000-4000-8000-000000000001")
    registered = school.registry.load(Campaign, campaign(school, form(school), act_id=act), "К")
    events = list(school.registry.events.get(registered.id))
    assert events[0].act_id == act  # type: ignore[attr-defined]
    typed = list(school.registry.events.get(campaign(school, form(school))))
    assert typed[0].act_id is None  # type: ignore[attr-defined]


def fix(organisation: UUID, number: str = "1.5", due_on: date = date(2026, 12, 1)) -> Any:
    return {"organisation_id": organisation, "number": number, "director": "Д.", "due_on": due_on}


def order(school: School, *fixes: Any, issuer: UUID | None = None) -> NewFixOrder:
    return NewFixOrder(
        municipality_id=issuer or school.municipality,
        act_number="94-14",
        act_date=date(2026, 11, 20),
        fixes=list(fixes),
    )


def test_an_order_on_the_results_names_fixes_of_the_campaigns_own_items_and_schools(
    school: School,
) -> None:
    made = campaign(school, form(school))
    issue = school.registry.order_fixes
    municipal = officer(school)
    refusals = [
        (order(school), "fixes_empty"),
        (order(school, fix(school.id, "9.9")), "item_unknown"),
        (order(school, fix(school.id, due_on=date(2026, 11, 19))), "fix_due_before_order"),
        (order(school, fix(school.id), fix(school.id)), "fix_repeated"),
        (order(school, fix(school.municipality)), "not_targeted"),
        (order(school, fix(school.id), issuer=school.id), "fix_order_issuer"),
    ]
    for wrong, code in refusals:
        assert refused(school, issue, municipal, made, wrong) == code
    director = school.staff(Role.SCHOOL_DIRECTOR)
    assert refused(school, issue, director, made, order(school, fix(school.id))) == (
        "role_not_allowed"
    )
    other = school.staff(Role.MUNICIPALITY_OFFICER, path=school.path_of(school.municipality_2))
    assert refused(school, issue, other, made, order(school, fix(school.id))) == "out_of_scope"
    issued, _ = issue(municipal, made, order(school, fix(school.id), fix(school.other, "1.2")))
    assert issued.id == fix_order_id(made, school.municipality)
    [event] = list(school.registry.events.get(issued.id))
    assert [(f["number"], f["tenant"]) for f in event.fixes] == [  # type: ignore[attr-defined]
        ("1.5", school.path),
        ("1.2", school.other_path),
    ]
    again = order(school, fix(school.id, "1.1"))
    assert refused(school, issue, municipal, made, again) == "fix_order_exists"
