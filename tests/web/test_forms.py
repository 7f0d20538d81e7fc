"""Forms: browser validation that mirrors the server's rules, an error summary linking to the fields, the Chinese
file picker, the site's look (required markers, help under the field), and the favicon."""

from __future__ import annotations

import re

import pytest

from zilu.reports.intake import LIMITS, MIN_DESCRIPTION


def tag(html: str, name: str) -> str:
    """The opening tag of the control named ``name``."""
    match = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


@pytest.mark.django_db
def test_the_report_form_validates_in_the_browser_as_the_server_does(client):
    html = client.get("/report/").content.decode()
    form = re.search(r"<form[^>]*id=\"report-form\"[^>]*>", html).group(0)
    assert "novalidate" not in form
    assert "required" in tag(html, "category")
    description = tag(html, "description")
    assert "required" in description
    assert f'maxlength="{LIMITS["description"]}"' in description and f'minlength="{MIN_DESCRIPTION}"' in description
    assert f'maxlength="{LIMITS["target"]}"' in tag(html, "target") and "required" not in tag(html, "target")
    assert 'type="email"' in tag(html, "contact_email") and 'type="tel"' in tag(html, "contact_phone")


@pytest.mark.django_db
def test_an_invalid_report_shows_an_error_summary_linking_to_the_fields(client):
    response = client.post("/report/", {"category": "", "description": ""})
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary, "no error summary"
    assert html.index("error-summary") < html.index('name="description"')  # at the top, before the fields
    links = re.findall(r'<a href="#(id_[a-z_]+)">', summary.group(0))
    assert "id_category" in links and "id_description" in links
    for target in links:
        assert f'id="{target}"' in html
    assert 'class="field required has-error"' in html


@pytest.mark.django_db
def test_the_file_picker_is_the_sites_own(client):
    html = client.get("/report/").content.decode()
    picker = re.search(r'<div class="file-picker">(.*?)</div>', html, re.S).group(1)
    assert 'type="file"' in picker and 'name="files"' in picker and "multiple" in picker
    assert '<label class="file-button" for="id_files">' in picker
    assert 'class="file-names" aria-live="polite"' in picker
    assert '<progress class="upload-progress"' in picker


@pytest.mark.django_db
def test_every_page_loads_the_forms_script_and_the_icon(client):
    html = client.get("/").content.decode()
    assert '<script src="/static/zilu/forms.js" defer></script>' in html
    assert 'rel="icon" href="/static/zilu/favicon.svg"' in html
    script = b"".join(client.get("/static/zilu/forms.js").streaming_content).decode()
    assert "error-summary" in script and 'upload.addEventListener("progress"' in script


@pytest.mark.django_db
def test_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/zilu/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_forms_rendered_with_as_div_get_the_summary_and_the_markers(client):
    html = client.get("/accounts/register/").content.decode()
    assert 'class="field required"' in html  # every {{ form.as_div }} renders through zilu/forms/div.html
    response = client.post("/accounts/register/", {"username": ""})
    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert '<a href="#id_username">' in summary
    assert html.index("error-summary") < html.index('name="username"')


def test_the_stylesheet_styles_forms_at_both_widths(client):
    css = b"".join(client.get("/static/zilu/site.css").streaming_content).decode()
    for rule in (".error-summary", ".file-picker", ".field.required > label::after", "@media (max-width: 600px)"):
        assert rule in css, rule
    assert re.search(r"select, textarea \{\s*width: 100%", css)
