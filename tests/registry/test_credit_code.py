from hypothesis import given
from hypothesis import strategies as st

from acupoint.registry import credit_code

first17 = st.text(alphabet=credit_code.ALPHABET, min_size=17, max_size=17)


@given(first17)
def test_a_code_with_its_check_character_is_valid(head):
    assert credit_code.is_valid(head + credit_code.check_character(head))


@given(first17, st.integers(0, 17), st.sampled_from(credit_code.ALPHABET))
def test_any_single_substitution_is_detected(head, position, replacement):
    code = head + credit_code.check_character(head)
    changed = code[:position] + replacement + code[position + 1:]
    assert credit_code.is_valid(changed) == (changed == code)


def test_published_code_is_valid_and_problems_are_named():
    # The worked example printed in GB 32100-2015 guidance.
    assert credit_code.is_valid("91350100M000100Y43")
    assert credit_code.problem("9137020") == "length"
    assert credit_code.problem("91370200MA3C7P4HOX") == "character"
    head = "91370200MA3C7P4H4"
    wrong = next(c for c in credit_code.ALPHABET if c != credit_code.check_character(head))
    assert credit_code.problem(head + wrong) == "check"


def test_normalise_strips_spreadsheet_noise():
    assert credit_code.normalise(" 91370200ma3c7p4h4x ") == "91370200MA3C7P4H4X"
    assert credit_code.normalise("９１３７") == "9137"


def test_model_validation_uses_the_importers_wording():
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from acupoint.registry.models import validate_credit_code

    validate_credit_code("91350100M000100Y43")
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as raised:
            validate_credit_code("91350100M000100Y44")
        assert "校验码错误（应为 3）" in raised.value.messages[0]
