"""Messages of the pure input layer in the page's language, and the same English as before
everywhere else (the API, CSV reports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from cbam.messages import Message
from cbam.numbers import SPECIFIC, NumberError, parse_number
from core.inputs import Parsed
from core.messages import ENGINE_TEMPLATES, engine_message, localise
from suppliers.inputs import FOOTPRINT_INPUT
from tests.suppliers.pages.conftest import ZH, page_url


def _templates_marked_in(package: Path) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_template_of_the_engine_is_listed_for_cores_catalogue():
    engine = _templates_marked_in(Path(settings.BASE_DIR) / "cbam")
    assert engine, "the engine marks its message templates with gettext_noop"
    assert engine - set(ENGINE_TEMPLATES) == set()


def test_a_message_is_its_english_text_and_says_itself_in_chinese_on_a_page():
    with pytest.raises(NumberError) as raised:
        parse_number("1e9", SPECIFIC)
    message = raised.value.message

    assert isinstance(message, Message)
    assert message == "'1e9' is out of range; expected a number of at most 10,000"
    with translation.override("zh-hans"):
        assert localise(message) == "'1e9' 超出范围；应为不超过 10,000 的数"
    with translation.override("en"):
        assert localise(message) == message


def test_a_problem_of_the_input_layer_nests_the_fields_help_in_the_same_language():
    parsed = Parsed()
    spec = FOOTPRINT_INPUT.field("carbon_price").fields[1]  # amount, a number >= 0 per tCO2e

    parsed.take(spec, "abc", "carbon_price.amount")

    [problem] = parsed.errors["carbon_price.amount"]
    assert problem == "'abc' is not a number; expected a number >= 0 per tCO2e."
    with translation.override("zh-hans"):
        assert localise(problem) == "'abc' 不是数字；应为：每 tCO2e 的金额，≥ 0。"


def test_a_plain_text_is_shown_as_it_is():
    with translation.override("zh-hans"):
        assert localise("Draft") == "Draft"


# --- The services' and the engine's messages on pages (round 2) ---------------------------


def test_every_engine_problem_listed_is_recognised_in_the_engines_own_words():
    from cbam.defaults import no_default_value_message
    from cbam.validation import cn_code_problem

    # A code that is not 8 digits is refused before the reference data is looked at.
    unknown = cn_code_problem("7207", None, "cn_code")  # type: ignore[arg-type]
    assert unknown is not None
    texts = [
        no_default_value_message("72071114", "CN"),
        no_default_value_message("72071114", None),
        unknown.message,
        "must not be negative (got -1.5)",
        "must be greater than zero (it is the SEE denominator)",
    ]

    for text in texts:
        message = engine_message(text)
        assert isinstance(message, Message), text
        assert message == text


def test_an_engine_problem_reads_in_chinese_with_its_nested_words():
    from cbam.defaults import no_default_value_message

    message = engine_message(no_default_value_message("72071114", "CN"))

    with translation.override("zh-hans"):
        assert localise(message) == (
            "第 2025/2621 号实施条例附件一中没有 CN 72071114（CN 或“其他国家”）的默认值；"
            "请填写实际的直接（及间接）特定隐含排放"
        )


def test_text_the_engine_did_not_write_stays_as_it_is():
    assert not isinstance(engine_message("something else entirely"), Message)


@pytest.mark.django_db
def test_a_see_above_the_bound_is_said_at_the_activity_level_in_chinese(producer, preparer):
    from tests.suppliers.pages.test_footprint_pages import field_errors, form_data

    answer = preparer.post(
        page_url(producer, "footprints/new/"),
        form_data(producer, activity_level="1", **{"precursor_rows": "0"}),
        **ZH,
    )

    # (250,000 tCO2e + 90,000 MWh × 0.605 tCO2/MWh, the CN grid) / 1 t
    assert field_errors(answer.content.decode(), "activity_level") == [
        "计算得出的特定隐含排放为 3.04450E+5 tCO2e/t，超过 10,000 tCO2e/t；"
        "请核对活动水平和排放量的单位。"
    ]


@pytest.mark.django_db
def test_an_evidence_refusal_reads_in_chinese_on_the_page_and_in_english_in_the_api(
    producer, preparer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import FootprintFactory

    footprint = FootprintFactory(organisation=producer.organisation)
    url = page_url(producer, f"footprints/{footprint.pk}/")
    upload = SimpleUploadedFile("a.zip", b"PK", content_type="application/zip")

    answer = preparer.post(f"{url}evidence/", {"kind": "verification", "file": upload}, **ZH)
    api = producer.api("preparer").post(
        producer.url(f"footprints/{footprint.pk}/evidence/"),
        {"kind": "verification", "file": SimpleUploadedFile("a.zip", b"PK", "application/zip")},
        format="multipart",
    )

    page = preparer.get(answer["Location"], **ZH).content.decode()
    assert "证明文件上传无效。" in page
    assert "不接受 &#x27;application/zip&#x27; 文件；应为 PDF、PNG、JPEG、纯文本或 CSV。" in page
    assert api.json()["extra"]["fields"]["file"] == [
        "'application/zip' files are not accepted; expected PDF, PNG, JPEG, plain text or CSV."
    ]
