"""Reading pages in tests: a signed-in test client, a response's text, one element's HTML."""

import re

from django.test import Client as Browser

PASSWORD = "test-pass-123"


def signed_in(username: str) -> Browser:
    browser = Browser()
    assert browser.login(username=username, password=PASSWORD)
    return browser


def text(response) -> str:
    return response.content.decode()


def element(html: str, element_id: str) -> str:
    """The HTML of the element with this id, up to its matching end tag."""
    start = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"', html)
    assert start, f"no element with id {element_id!r}"
    tag, depth = start.group(1), 0
    for match in re.finditer(rf"<(/?){tag}[\s>]", html[start.start() :]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html[start.start() : start.start() + match.end()]
    raise AssertionError(f"element {element_id!r} is not closed")
