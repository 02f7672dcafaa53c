from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        error_messages = {"name": {"required": _("Name the token: what will use it?")}}
