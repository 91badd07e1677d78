"""The report as one self-contained HTML file (figures inline, no network), via Jinja2."""

from __future__ import annotations

import jinja2

from remission.report._model import Report, display_value

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.title }}</title>
<style>
  :root { --ink: #1d1d1f; --muted: #555; --line: #d0d0d5; --accent: #0072B2; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
         margin: 0; }
  header { padding: 1rem 1.2rem; border-bottom: 1px solid var(--line); }
  h1 { font-size: 1.35rem; margin: 0 0 .3rem; }
  .banner { background: #D55E00; color: #fff; font-weight: 700; padding: .45rem 1.2rem;
            letter-spacing: .03em; }
  nav { position: sticky; top: 0; background: #f6f6f8; border-bottom: 1px solid var(--line);
        overflow-x: auto; white-space: nowrap; padding: .4rem 1rem; z-index: 2; }
  nav a { color: var(--accent); text-decoration: none; margin-right: 1rem; font-size: .9rem; }
  main { max-width: 1000px; margin: 0 auto; padding: 0 1.2rem 3rem; }
  section { border-bottom: 1px solid var(--line); padding: 1rem 0; }
  h2 { font-size: 1.15rem; margin: .6rem 0; }
  .table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
  table { border-collapse: collapse; font-size: .85rem; min-width: 50%; }
  caption { text-align: left; font-weight: 600; padding: .3rem 0; }
  th, td { border-bottom: 1px solid var(--line); padding: .25rem .55rem; text-align: left;
           vertical-align: top; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f0f0f3; }
  figure { margin: .8rem 0 1.4rem; }
  figure svg { max-width: 100%; height: auto; }
  figcaption { font-size: .85rem; color: var(--muted); }
  .note { color: var(--muted); font-size: .85rem; }
  .missing { color: #8a4b00; }
  .headline td:first-child { font-weight: 600; }
  @media print {
    nav { display: none; }
    section { break-inside: avoid-page; }
    figure, .table-wrap { break-inside: avoid; }
    body { font-size: 11px; }
  }
</style>
</head>
<body>
{% if report.synthetic %}<div class="banner" role="note">SYNTHETIC DATA: no real patient is described</div>{% endif %}
<header>
<h1>{{ report.title }}</h1>
{% if report.headline %}<table class="headline">{% for k, v in report.headline %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>{% endif %}
</header>
<nav aria-label="sections">{% for s in report.sections %}<a href="#{{ s.key }}">{{ s.title }}</a>{% endfor %}</nav>
<main>
{% for s in report.sections %}
<section id="{{ s.key }}">
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}{% for n in s.notes %}<p class="note missing">{{ n }}</p>
{% endfor %}{% for t in s.tables %}<div class="table-wrap"><table id="table-{{ t.key }}" data-key="{{ t.key }}">
<caption>{{ t.title }}</caption>
<thead><tr>{% for c in t.frame.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.frame.iter_rows() %}<tr>{% for v in row %}<td{% if v is number %} class="num"{% endif %}>{{ show(v) }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}</div>
{% endfor %}{% for f in s.figures %}<figure id="figure-{{ f.key }}" data-key="{{ f.key }}">{{ f.svg | safe }}<figcaption>{{ f.title }}</figcaption></figure>
{% endfor %}</section>
{% endfor %}
</main>
</body>
</html>
"""


def render_html(report: Report) -> str:
    """Render the report as one HTML document (every text escaped; SVG figures inline).

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    str
        The HTML.

    Examples
    --------
    >>> from remission.report._model import Report, Section
    >>> html = render_html(Report("<b>x</b>", True, [Section("a", "A", ["1 < 2"])]))
    >>> "&lt;b&gt;x&lt;/b&gt;" in html and "SYNTHETIC" in html and "1 &lt; 2" in html
    True
    """
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["show"] = display_value
    return env.from_string(_TEMPLATE).render(report=report)
