from django import template
from django.utils.safestring import mark_safe

from profiles.dates import format_partial_date
from profiles.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.filter
def markdown_inline(text):
    return mark_safe(render_markdown(text, inline=True))  # noqa: S308 - sanitised by nh3


@register.filter
def partial_date(value, style="short"):
    return format_partial_date(value, style)


@register.simple_tag
def date_range(start, end, is_current=False, style="short"):
    """“Sep 2016 – Jun 2020”, “2018 – Present”, or a single date."""
    start_text = format_partial_date(start, style)
    end_text = "Present" if is_current else format_partial_date(end, style)
    if start_text and end_text and start_text != end_text:
        return f"{start_text} – {end_text}"
    return start_text or end_text
