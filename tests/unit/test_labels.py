"""Each service's published labels name exactly the values its domain knows: a value added to
an enum without its Russian word, or a word left for a value gone, fails here."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import pytest

from services.programs import domain as programs
from services.programs import events as programs_events
from services.programs import labels as programs_labels
from services.registry import domain as registry
from services.registry import labels as registry_labels

NAMED: list[tuple[Mapping[Any, object], type[Enum]]] = [
    (programs_labels.STAGE_NAMES, programs.Stage),
    (programs_labels.ITEM_STATUS_NAMES, programs.ItemStatus),
    (programs_labels.DEADLINE_KIND_NAMES, programs.DeadlineKind),
    (programs_labels.MEETING_KIND_NAMES, programs.MeetingKind),
    (programs_labels.MEETING_FORMAT_NAMES, programs.MeetingFormat),
    (programs_labels.SIDE_NAMES, programs.Side),
    (programs_labels.OUTCOME_NAMES, programs.Outcome),
    (programs_labels.BASIS_NAMES, programs.Basis),
    (programs_labels.PAIR_STATUS_NAMES, programs.PairStatus),
    (programs_labels.EARLY_END_REASON_NAMES, programs.EarlyEndReason),
    (programs_labels.PURPOSE_NAMES, programs.Purpose),
    (programs_labels.NOMINATION_NAMES, programs.Nomination),
    (programs_labels.AWARD_RESULT_NAMES, programs.AwardResult),
    (registry_labels.ORGANISATION_KIND_NAMES, registry.OrganisationKind),
    (registry_labels.PERSON_KIND_NAMES, registry.PersonKind),
    (registry_labels.CONSENT_KIND_NAMES, registry.ConsentKind),
    (registry_labels.STAFF_ROLE_NAMES, registry.StaffRole),
    (registry_labels.INFORMATION_SOURCE_NAMES, registry.InformationSource),
]


@pytest.mark.parametrize(("names", "values"), NAMED, ids=lambda x: getattr(x, "__name__", ""))
def test_labels_name_every_value_of_the_domain(
    names: Mapping[Any, object], values: type[Enum]
) -> None:
    assert set(names) == {member.value for member in values}
    assert all(names[member] for member in values)  # a member looks its word up as its code


def test_every_named_event_is_an_event_programs_publishes() -> None:
    published = {contract.event_name for contract in programs_events.ALL}
    assert set(programs_labels.EVENT_NAMES) <= published
