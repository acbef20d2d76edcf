"""After the login the browser goes to `next` only if it is a path of this site.

The table holds the known open-redirect bypasses: each must end on this site, whether it
comes as the form field or through the login page's own `?next=` link. A browser's view of
the Location header is emulated (it drops tabs and newlines, reads a backslash as a slash),
so a target that only a lenient browser turns into another host fails here too.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from aiohttp.test_utils import TestClient

from callcenter.web.redirects import same_origin_path

from .conftest import CSRF_FIELD, PASSWORD

# (target, kept): kept targets are our own paths and must survive unchanged.
TARGETS: list[tuple[str, bool]] = [
    # our own pages
    ("/feiertage", True),
    ("/sprechzeiten?team=auslaender-a", True),
    ("/auswertung?from=2026-11-01&to=2026-11-30", True),
    ("/ansagen?team=auslaender-a&msg=uploaded", True),
    ("/", True),
    # protocol-relative and absolute
    ("//evil.example", False),
    ("///evil.example", False),
    ("////evil.example/x", False),
    ("https://evil.example/", False),
    ("HTTPS://evil.example", False),
    ("https:evil.example", False),
    ("http:/evil.example", False),
    ("http:\\\\evil.example", False),
    ("ftp://evil.example", False),
    ("evil.example", False),
    ("evil.example/anmelden", False),
    (".//evil.example", False),
    # backslashes, raw and encoded
    ("/\\evil.example", False),
    ("\\\\evil.example", False),
    ("\\/evil.example", False),
    ("/\\/evil.example", False),
    ("/feiertage\\..\\evil", False),
    ("/%5Cevil.example", False),
    ("/%5c%5cevil.example", False),
    ("%5C%5Cevil.example", False),
    # tabs, newlines and other controls, raw and encoded
    ("/%09/evil.example", False),
    ("/\t/evil.example", False),
    ("/\n/evil.example", False),
    ("/\r\n/evil.example", False),
    ("/%0a/evil.example", False),
    ("/%0D%0A/evil.example", False),
    ("/%00/evil.example", False),
    ("/\x00/evil.example", False),
    ("/\x0b/evil.example", False),
    ("/%7F/evil.example", False),
    ("/ /evil.example", False),
    ("/%20/evil.example", False),
    ("/feiertage%0d%0aSet-Cookie:%20x=y", False),
    # encoded slashes and double (and triple) encoding
    ("/%2F%2Fevil.example", False),
    ("/%2f/evil.example", False),
    ("%2F%2Fevil.example", False),
    ("/%252F%252Fevil.example", False),
    ("/%25252F%25252Fevil.example", False),
    ("/%255Cevil.example", False),
    ("/%2509/evil.example", False),
    ("/%25%32%46%25%32%46evil.example", False),
    # script and data schemes
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("javascript%3Aalert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox(1)", False),
    # unicode look-alikes and invisible characters, raw and encoded
    ("/\uff0f/evil.example", False),
    ("\uff0f\uff0fevil.example", False),
    ("/\uff3cevil.example", False),
    ("/%EF%BC%8F%EF%BC%8Fevil.example", False),
    ("/%EF%BC%BCevil.example", False),
    ("/\u2215/evil.example", False),
    ("/\u200b/evil.example", False),
    ("/%E2%80%8B/evil.example", False),
    ("/%E2%80%AE/evil.example", False),
    ("/%C2%A0/evil.example", False),
    ("/\u3000/evil.example", False),
    ("/%C0%AF/evil.example", False),  # overlong '/', not UTF-8
    ("/%FF", False),
    # overlong
    ("/" + "a" * 600, False),
]


def browser_reads(location: str) -> str:
    """The Location header as a lenient (WHATWG) browser parses it."""
    stripped = location.strip("".join(chr(c) for c in range(0x21)))
    return "".join(c for c in stripped if c not in "\t\n\r").replace("\\", "/")


def assert_same_origin(location: str) -> None:
    read = browser_reads(location)
    parts = urlsplit(read)
    assert read.startswith("/"), location
    assert not read.startswith("//"), location
    assert not parts.scheme, location
    assert not parts.netloc, location


@pytest.mark.parametrize(("target", "kept"), TARGETS)
def test_only_paths_of_this_site_pass(target: str, kept: bool) -> None:
    result = same_origin_path(target)
    assert result == (target if kept else "")


async def _login_with_next(client: TestClient, target: str, *, via_page: bool) -> str:
    client.session.cookie_jar.clear()  # signed out, or the login page would send us home
    page = await client.get("/anmelden" + (f"?next={quote(target, safe='')}" if via_page else ""))
    html = await page.text()
    token = CSRF_FIELD.search(html)
    assert token is not None
    if via_page:
        # The page carries only a checked target on to its form.
        carried = same_origin_path(target).replace("&", "&amp;")
        assert f'name="next" value="{carried}"' in html
    response = await client.post(
        "/anmelden",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": target,
        },
        allow_redirects=False,
    )
    assert response.status == 303
    return response.headers["Location"]


async def test_every_bypass_ends_on_this_site(client: TestClient) -> None:
    for target, kept in TARGETS:
        for via_page in (False, True):
            location = await _login_with_next(client, target, via_page=via_page)
            assert_same_origin(location)
            assert location == (target if kept else "/"), (target, via_page)


async def test_the_reported_tab_trick_no_longer_leaves_the_site(client: TestClient) -> None:
    """The issue's probe: /anmelden?next=/%09/evil.example ended in Location //evil.example."""
    page = await client.get("/anmelden?next=/%09/evil.example")
    html = await page.text()
    assert 'name="next" value=""' in html
    location = await _login_with_next(client, "/\t/evil.example", via_page=False)
    assert location == "/"
