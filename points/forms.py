from django import forms
from django.utils.translation import gettext_lazy as _

from points.models import ExpertRequest
from tcloud.core.forms import limit_lengths
from tcloud.core.validators import NOTE_MAX_LENGTH


class AssessmentForm(forms.Form):
    """One radio group per question; field names are `q<id>`."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(c.pk, c.text) for c in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose an answer.")},
            )

    def grouped(self):
        """(area label, [bound fields]) in question order."""
        groups: list[tuple[str, list]] = []
        for question in self.questions:
            label = question.get_area_display()
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(self[f"q{question.pk}"])
        return groups

    def answers(self) -> list[dict]:
        return [{"question": q.pk, "choice": self.cleaned_data[f"q{q.pk}"]} for q in self.questions]


class ExpertRequestForm(forms.ModelForm):
    class Meta:
        model = ExpertRequest
        fields = ["kind", "contact_phone", "note"]
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "kind": _("How should the expert help you?"),
            "note": _("What would you like help with?"),
            "contact_phone": _("Phone number to reach you"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ExpertRequest.Kind.choices  # no blank radio
        limit_lengths(self, note=NOTE_MAX_LENGTH)
