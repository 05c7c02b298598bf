"""The lean tree builder builds bs4's own tree: node for node, field for field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

import policydiff.normalize.soup as soup_module
from policydiff.normalize.soup import make_soup

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "snapshots").rglob("*.html"))
_LINKS = ("parent", "previous_element", "next_element", "next_sibling", "previous_sibling")

SNIPPETS = {
    "empty": "",
    "text only": "just words",
    "spaces only": " \n\t ",
    "bom": "\ufeff<p>x</p>",
    "doctype, head, scripts": (
        "<!DOCTYPE html><html lang='de'><head><title> T </title>"
        '<meta charset="utf-8"><meta http-equiv="Content-Type" '
        'content="text/html; charset=ISO-8859-1"><style>p { color: red }</style>'
        "<script>if (a < b && c > d) { x = '</p>' }</script><base href='/web/1/x'>"
        "</head><body><p>a</p></body></html>"
    ),
    "whitespace kept in pre and textarea": (
        "<pre>  a\n  <b> </b>\n</pre><textarea>\n\n</textarea><p> <i> </i>\n</p>"
    ),
    "string classes": (
        "<template><p>in a template</p> </template><ruby>漢<rt>kan</rt><rp>(</rp></ruby>"
        "<noscript><p>no script</p></noscript><svg><title>t</title><text>s</text></svg>"
    ),
    "comments, instructions, cdata": (
        "<p>a<!-- c -->b<!----><?php echo 1 ?>c<![CDATA[d]]>e</p><!-- \n -->"
    ),
    "broken markup": (
        "<p>a<p>b<li>c<b><i>x</b>y</i></div></span><table><tr><td>1<td>2</table>"
        "<ul><li>one<li>two</ul>text after</body></html><p>late"
    ),
    "attributes": (
        '<DIV CLASS="a  b\tc" id=X hidden accesskey="k l" data-x=""><a href=x rel="nofollow '
        'noopener" rev=r>l</a><td headers="h1 h2">c</td><form accept-charset="utf-8 latin1">'
        '</form><p class="" title="a &amp; b" title="dup">&nbsp;&#x1F600;&amp;</p></DIV>'
    ),
    "namespaced attributes": (
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de" xmlns:o="urn:o">'
        '<body><svg><use xlink:href="#a"/></svg><o:p>x</o:p></body></html>'
    ),
    "nested documents": "<body><body class=x><html><p>x</p></html></body></body>",
    "frames": "<frameset><frame src=a></frameset>",
    "deep": "<div>" * 300 + "x" + "</div>" * 300,
}


def _nodes(root: Any) -> list[Any]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, str):
            stack.extend(reversed(node.contents))
    return found


def _same_tree(text: str) -> int:
    theirs, ours = BeautifulSoup(text, "lxml"), make_soup(text)
    a, b = _nodes(theirs), _nodes(ours)
    assert len(a) == len(b)
    place_a = {id(node): i for i, node in enumerate(a)}
    place_b = {id(node): i for i, node in enumerate(b)}
    for x, y in zip(a, b, strict=True):
        assert type(x) is type(y)
        if x is not theirs:
            assert str(x) == str(y)
            fields_x = {k: v for k, v in vars(x).items() if k not in _LINKS}
            fields_y = {k: v for k, v in vars(y).items() if k not in _LINKS}
            assert fields_x.keys() == fields_y.keys()
            for key, value in fields_x.items():
                if key == "contents":
                    continue  # compared node by node
                assert value == fields_y[key], key
                assert type(value) is type(fields_y[key]), key
            for name, value in getattr(x, "attrs", {}).items():
                assert type(value) is type(y.attrs[name]), name
        for link in _LINKS:
            there, here = getattr(x, link), getattr(y, link)
            assert (there is None) == (here is None), link
            if there is not None:
                assert place_a[id(there)] == place_b[id(here)], link
    assert str(theirs) == str(ours)
    return len(a)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_tree_as_bs4(name: str) -> None:
    assert _same_tree(SNIPPETS[name]) >= 1


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_tree_on_the_bundled_pages(page: Path) -> None:
    assert _same_tree(page.read_bytes().decode("utf-8")) > 1000


def test_what_the_target_does_not_expect_falls_back_to_bs4(monkeypatch: Any) -> None:
    # lxml's HTML parser sends no namespaces today; if it ever does, bs4 builds the tree.
    start = soup_module._Target.start

    def refusing(self: Any, name: str, attrib: Any, nsmap: Any = None) -> None:
        if name == "p":
            raise soup_module._Unexpected(name)
        start(self, name, attrib, nsmap)

    monkeypatch.setattr(soup_module._Target, "start", refusing)
    page = make_soup("<p class='a b'>x</p>")
    assert type(page.builder) is not soup_module._LeanBuilder
    assert page.p is not None and page.p["class"] == ["a", "b"] and page.p.get_text() == "x"


def test_a_bs4_this_module_does_not_know_builds_its_own_tree(monkeypatch: Any) -> None:
    monkeypatch.setattr(soup_module, "_understood", lambda builder: False)
    page = make_soup("<p class='a b'>x</p>")
    assert type(page.builder) is not soup_module._LeanBuilder
    assert page.p is not None and page.p["class"] == ["a", "b"]


def test_the_installed_bs4_is_understood() -> None:
    assert type(make_soup("<p>x</p>").builder) is soup_module._LeanBuilder
