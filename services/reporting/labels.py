"""The Russian words for values that reporting itself derives, keyed by their codes. A pure
module, published so that the web reads them without importing reporting."""

from __future__ import annotations

# A mentor's status in the base, derived from the questionnaire, the recommendation and the order.
MENTOR_STATUS_NAMES = {
    "candidate": "кандидат",
    "potential": "анкета заполнена",
    "recommended": "рекомендован",
    "not_recommended": "не рекомендован",
    "approved": "утверждён приказом",
}
