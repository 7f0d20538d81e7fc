"""The site's form renderer: every form (``{{ form }}``, ``{{ form.as_div }}``, a field's ``as_field_group``) renders
through the site's own templates (``zilu/forms/*.html`` in the portal app): an error summary at the top that links to
each field in error, a required marker on each required field's label, the help text under the field, and the
Chinese file picker. Set as ``FORM_RENDERER`` in the settings."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates

# Django's own form templates, and the site's in their place.
SITE_TEMPLATES = {
    "django/forms/div.html": "zilu/forms/div.html",
    "django/forms/field.html": "zilu/forms/field.html",
}


class SiteFormRenderer(DjangoTemplates):
    """Django's template renderer, with the form and field layouts swapped for the site's."""

    form_template_name = "zilu/forms/div.html"
    field_template_name = "zilu/forms/field.html"

    def get_template(self, template_name: str) -> Any:
        return super().get_template(SITE_TEMPLATES.get(template_name, template_name))
