"""The report as one self-contained HTML file (figures inline, no network), via Jinja2."""

from __future__ import annotations

import html

import jinja2

import remission
from remission.report._model import Report, ReportFigure

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{{ generator }}">
<title>{{ report.title }}</title>
<style>
  :root { --ink: #1d1d1f; --muted: #555; --line: #d0d0d5; --accent: #0072B2; }
  * { box-sizing: border-box; }
  html { overflow-x: hidden; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
         margin: 0; overflow-wrap: anywhere; }
  header { padding: 1rem 1.2rem; border-bottom: 1px solid var(--line); }
  h1 { font-size: 1.35rem; margin: 0 0 .3rem; }
  .top { position: sticky; top: 0; z-index: 3; }
  .banner { background: #B34700; color: #fff; font-weight: 700; padding: .35rem 1.2rem;
            letter-spacing: .03em; font-size: .9rem; }
  nav { background: #f6f6f8; border-bottom: 1px solid var(--line);
        overflow-x: auto; white-space: nowrap; padding: .4rem 1rem; }
  nav a { color: var(--accent); text-decoration: none; margin-right: 1rem; font-size: .9rem; }
  main { max-width: 1000px; margin: 0 auto; padding: 0 1.2rem 3rem; }
  section { border-bottom: 1px solid var(--line); padding: 1rem 0; scroll-margin-top: 5rem; }
  h2 { font-size: 1.15rem; margin: .6rem 0; }
  .table-wrap { overflow-x: auto; margin: .6rem 0 1rem; max-width: 100%;
    background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)),
                linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) 100% 0,
                radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0)),
                radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) 100% 0;
    background-repeat: no-repeat; background-size: 40px 100%, 40px 100%, 14px 100%, 14px 100%;
    background-attachment: local, local, scroll, scroll; }
  .scroll-cue { display: none; font-size: .8rem; color: var(--muted); margin: .2rem 0 0; }
  table { border-collapse: collapse; font-size: .85rem; min-width: 50%; overflow-wrap: normal; }
  caption { text-align: left; padding: .3rem 0; }
  caption b { font-weight: 700; }
  th, td { border-bottom: 1px solid var(--line); padding: .25rem .55rem; text-align: left;
           vertical-align: top; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  th { background: #f0f0f3; }
  figure { margin: .8rem 0 1.4rem; }
  figure svg { max-width: 100%; height: auto; }
  figcaption { font-size: .85rem; color: var(--muted); }
  .note { color: var(--muted); font-size: .85rem; }
  .missing { color: #8a4b00; }
  .headline td { padding: .1rem .8rem .1rem 0; border: 0; }
  .headline td:first-child { font-weight: 600; }
  .files { font-size: .85rem; margin: .5rem 0 0; }
  .files a { color: var(--accent); margin-right: .8rem; white-space: nowrap;
             display: inline-block; }
  @media (max-width: 700px) {
    .scroll-cue.wide { display: block; }
    body { font-size: 14px; }
    .headline, .headline tbody, .headline tr, .headline td { display: block; }
    .headline td:first-child { margin-top: .3rem; }
  }
  @media print {
    .top { position: static; }
    nav { display: none; }
    section { break-inside: avoid-page; }
    figure, .table-wrap { break-inside: avoid; }
    body { font-size: 11px; }
  }
</style>
</head>
<body>
<div class="top">
{% if report.synthetic %}<div class="banner" role="note">SYNTHETIC DATA: no real patient is described</div>{% endif %}
<nav aria-label="sections">{% for s in report.sections %}<a href="#{{ s.key }}">{{ s.title }}</a>{% endfor %}</nav>
</div>
<header>
<h1>{{ report.title }}</h1>
{% if report.headline %}<table class="headline">{% for k, v in report.headline %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>{% endif %}
<p class="files">Also: <a href="report.pdf">report.pdf</a><a href="tables.xlsx">tables.xlsx</a><a href="figures/">figures/</a>{% for f in report.files %}<a href="{{ f }}">{{ f }}</a>{% endfor %}</p>
</header>
<main>
{% for s in report.sections %}
<section id="{{ s.key }}">
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}{% for n in s.notes %}<p class="note missing">{{ n }}</p>
{% endfor %}{% for t in s.tables %}<div class="table-wrap"><table id="table-{{ t.key }}" data-key="{{ t.key }}">
<caption><b>{{ numbers["table:" ~ t.key] }}.</b> {{ t.title }}</caption>
<thead><tr>{% for c in t.headers() %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.cells() %}<tr>{% for value, text, rule, _ in row %}<td{% if rule.kind != "text" %} class="num"{% endif %}>{{ text }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>{% if t.shown() | length > 4 %}<p class="scroll-cue wide" aria-hidden="true">Wide table: scroll sideways &rarr;</p>{% endif %}{% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}
{% endfor %}{% for f in s.figures %}<figure id="figure-{{ f.key }}" data-key="{{ f.key }}">{{ labelled(f) | safe }}<figcaption><b>{{ numbers["figure:" ~ f.key] }}.</b> {{ f.title }}.{% if f.legend %} {{ f.legend }}{% endif %}</figcaption></figure>
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
    env.globals["labelled"] = _labelled_svg
    return env.from_string(_TEMPLATE).render(
        report=report, numbers=report.numbers(), generator=f"remission {remission.__version__}"
    )


def _labelled_svg(figure: ReportFigure) -> str:
    """The figure's SVG as an image with alt text (its title and legend), for screen readers."""
    alt = html.escape(f"{figure.title}. {figure.legend}".strip(), quote=True)
    return figure.svg.replace("<svg", f'<svg role="img" aria-label="{alt}"', 1)
