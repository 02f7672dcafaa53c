from django.urls import reverse


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    script_sources = next(
        part for part in policy.split(";") if part.strip().startswith("script-src")
    )
    assert "'self'" in script_sources
    assert "unsafe-inline" not in script_sources
    assert "frame-ancestors 'none'" in policy


def test_front_end_assets_are_served_by_the_app_not_a_cdn(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page
