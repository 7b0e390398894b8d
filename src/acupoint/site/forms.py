"""Form pieces shared by the apps."""

from __future__ import annotations

from django import forms


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
