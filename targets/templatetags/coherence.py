"""The cells of the coherence matrix, rendered in one pass: a large plan's matrix has
thousands of them, and a template loop per cell costs more than the rest of the page."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

EMPTY_CELL = '<td><span class="text-body-secondary">—</span></td>'


@register.simple_tag
def coherence_cells(cells) -> SafeString:
    """One ``<td>`` per framework: the assessment in words (and its note), or a dash."""
    parts = []
    for cell in cells:
        if cell is None:
            parts.append(EMPTY_CELL)
            continue
        note = f'<div class="small">{escape(cell.note)}</div>' if cell.note else ""
        parts.append(
            f'<td class="coherence-{escape(cell.coherence)}">'
            f"<strong>{escape(cell.label)}</strong>{note}</td>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
