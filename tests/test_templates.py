"""The report's Jinja2 templates escape by default: text from a dataset is shown as text, and
only the fragments a template marks `|safe` (a chart's data URI, a Styler table) pass as markup."""

from __future__ import annotations

import re

from parlib.report import templating

HOSTILE = "<script>alert(\"x\")</script> & <b>bold</b> 'q'"


def _macros():
    return templating.environment().get_template("macros.html.j2").make_module({"tr": lambda key, **kw: key})


def test_every_section_template_autoescapes():
    env = templating.environment()
    names = sorted(p.name for p in templating.SECTION_TEMPLATES.glob("*.j2"))
    assert "macros.html.j2" in names and len(names) >= 9
    for name in names:
        assert env.autoescape(name), name


def test_text_is_escaped_by_the_macros():
    m = _macros()
    out = str(m.p(HOSTILE, "note")) + str(m.h(2, HOSTILE, "a")) + str(m.ul([HOSTILE]))
    assert "<script>" not in out and "<b>" not in out
    assert out.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &#39;q&#39;") == 3


def test_only_marked_fragments_are_trusted():
    m = _macros()
    table = '<table class="parlib-table"><tr><td>&lt;b&gt;</td></tr></table>'
    assert str(m.table(table)) == f'<div class="table-wrap">{table}</div>'  # scrolls inside itself on a phone
    fig = str(m.figure({"src": "data:image/png;base64,AAAA", "alt": HOSTILE, "id": ""}))
    assert 'src="data:image/png;base64,AAAA"' in fig and "<script>" not in fig
    # a template without |safe escapes even markup-looking text
    env = templating.environment()
    assert env.from_string("{{ x }}").render(x="<i>") == "&lt;i&gt;"


def test_template_line_breaks_between_tags_are_layout_only():
    env = templating.environment()
    src = "<ul>\n  {% for i in xs %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n<p>a\nb</p>"
    out = env.from_string(src).render(xs=[1, 2])
    assert out == "<ul><li>1</li><li>2</li></ul><p>a\nb</p>"
    assert not re.search(r">\s+<", out)
