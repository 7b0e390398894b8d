"""Form pieces shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class InlineForm(forms.Form):
    """A form laid out in a table row or a line, without <label> elements: every widget
    carries its field's label for screen readers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class IsoDateInput(forms.DateInput):
    """The browser's date picker, read and written as YYYY-MM-DD whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def industry_choices(sections: bool = True) -> list:
    """Industries by name (GB/T 4754-2017), each section with its divisions: what a reader
    picks instead of typing a code. ``sections`` adds a choice for a whole section."""
    from acupoint.registry import industry

    names = {item.code: item.name for item in industry.table().values()
             if item.level == "section"}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for item in industry.divisions():
        grouped.setdefault(item.parent, []).append((item.code, f"{item.code} {item.name}"))
    choices: list = [("", _("Any"))]
    for section, items in grouped.items():
        whole = [(section, _("%(section)s (all)") % {"section": names[section]})] \
            if sections else []
        choices.append((f"{section} {names[section]}", [*whole, *items]))
    return choices


class IndustryField(forms.ChoiceField):
    """An industry chosen from the code table by name: a section or a division."""

    def __init__(self, *, sections: bool = True, **kwargs) -> None:
        super().__init__(choices=lambda: industry_choices(sections), **kwargs)


class IndustryCodeInput(forms.TextInput):
    """A class code typed, or picked from the named classes as one types (3612 新能源车整车制造):
    an enterprise finds its own class by name."""

    template_name = "widgets/industry_code.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"list": "industry-classes", "inputmode": "numeric", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from acupoint.registry import industry

        context = super().get_context(name, value, attrs)
        context["widget"]["classes"] = [(item.code, item.name) for item in
                                        industry.table().values() if item.level == "class"]
        return context
