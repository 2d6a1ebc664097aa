"""A monitoring form composed a row at a time on plain pages: each step — a section, an item, a
sub-requirement added, an item changed or removed — turns the form's sections as the registry
holds them into the sections it is to hold. The registry checks the result (numbering, kinds,
options, sources); nothing here decides what a valid form is."""

from __future__ import annotations

from typing import Any

Sections = list[dict[str, Any]]


def plain(sections: list[Any]) -> Sections:
    """The sections a page read (GraphQL's camelCase structs) in the registry's shape."""
    return [
        {
            "number": section.number,
            "title": section.title,
            "items": [
                {
                    "number": item.number,
                    "text": item.text,
                    "kind": item.kind,
                    "required": item.required,
                    "options": list(item.options),
                    "source": item.source,
                    "requirements": [
                        {"number": r.number, "text": r.text} for r in item.requirements
                    ],
                }
                for item in section.items
            ],
        }
        for section in sections
    ]


def with_section(sections: Sections, number: str, title: str) -> Sections:
    return [*sections, {"number": number, "title": title, "items": []}]


def with_item(sections: Sections, section_number: str, item: dict[str, Any]) -> Sections:
    """The item added to its section; an item of the same number is changed in place instead
    (its sub-requirements kept), wherever it stands."""
    number = item["number"]
    if any(old["number"] == number for section in sections for old in section["items"]):
        return [
            {
                **section,
                "items": [
                    {**item, "requirements": old["requirements"]}
                    if old["number"] == number
                    else old
                    for old in section["items"]
                ],
            }
            for section in sections
        ]
    return [
        {**section, "items": [*section["items"], {**item, "requirements": []}]}
        if section["number"] == section_number
        else section
        for section in sections
    ]


def with_requirement(sections: Sections, item_number: str, number: str, text: str) -> Sections:
    return [
        {
            **section,
            "items": [
                {**item, "requirements": [*item["requirements"], {"number": number, "text": text}]}
                if item["number"] == item_number
                else item
                for item in section["items"]
            ],
        }
        for section in sections
    ]


def without(sections: Sections, number: str) -> Sections:
    """The form without the item or sub-requirement of this number."""
    return [
        {
            **section,
            "items": [
                {
                    **item,
                    "requirements": [r for r in item["requirements"] if r["number"] != number],
                }
                for item in section["items"]
                if item["number"] != number
            ],
        }
        for section in sections
    ]
