"""core.localize: which text of the hall's content a reader sees, in each language."""

from django.utils import translation

from servicehall.core.localize import content_language, pick, pick_dict, pick_list, to_traditional
from servicehall.queueing.choices import class_name


def test_english_reads_the_english_text_and_falls_back_to_the_chinese_one():
    assert pick("社会保障", en="Social security", language="en") == "Social security"
    assert pick("社会保障", en="", language="en-gb") == "社会保障"


def test_traditional_chinese_converts_the_simplified_text_unless_a_name_is_written_by_hand():
    assert pick("社会保障", language="zh-hant") == "社會保障"
    assert pick("居民身份证", language="zh-hant") == "居民身份證"  # mainland wording, as the page chrome
    assert pick("普通护照签发", zh_hant="普通護照申辦", language="zh-hant") == "普通護照申辦"
    assert to_traditional("") == ""


def test_simplified_chinese_reads_the_text_as_written():
    assert pick("社会保障", en="Social security", zh_hant="x", language="zh-hans") == "社会保障"


def test_the_active_language_is_the_default():
    with translation.override("en"):
        assert content_language() == "en"
        assert pick("社会保障", en="Social security") == "Social security"
    with translation.override("zh-hant"):
        assert pick("社会保障") == "社會保障"


def test_a_step_left_blank_in_english_falls_back_to_its_chinese_step():
    assert pick_list(["申请", "受理", "办结"], en=["Apply", ""], language="en") == ["Apply", "受理", "办结"]
    assert pick_list(["申请"], en=None, language="zh-hant") == ["申請"]


def test_a_json_stored_name_and_a_priority_class_saved_before_english_names():
    assert pick_dict({"name": "军人", "name_en": "Service member"}, language="en") == "Service member"
    # a hall's row from before classes had English names keeps the default's English…
    assert class_name({"code": "elderly", "name": "老年人(65岁以上)"}, "en") == "Senior (65 and over)"
    # …but not once the hall renamed the class
    assert class_name({"code": "elderly", "name": "长者"}, "en") == "长者"
    assert class_name({"code": "elderly", "name": "长者"}, "zh-hant") == "長者"
