"""Helpers for tests that use the admin like a person: log in, open a form, send it back."""

from django.contrib.auth import get_user_model
from django.urls import reverse


def log_in_superuser(client, username: str = "chief"):
    user = get_user_model().objects.create_superuser(username, password=None)
    client.force_login(user)
    return user


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:registry_{model._meta.model_name}_{view}", args=args)


def form_data(response, **changes) -> dict:
    """What the page's form (with its inline formsets) sends when submitted as shown, plus `changes`."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, (list, tuple)):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = value
    data.update(changes)
    return data
