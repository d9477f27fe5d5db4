"""A tiny Markdown renderer for the subset the guides use, escaping everything (no raw HTML
from the Markdown): headings (#, ##, ###), paragraphs, ordered (1.) and bulleted (-) lists
whose items may continue on indented lines, images on their own line (![alt](images/x.png)),
**bold**, `code` and links [text](target)."""

import re

from django.utils.html import escape

IMAGE_LINE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
ORDERED = re.compile(r"^(\d+)\.\s+(.*)$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)")


def image_names(markdown: str) -> list[str]:
    """The names of the images the guide shows (images/<name>), in order."""
    names = []
    for line in markdown.splitlines():
        match = IMAGE_LINE.match(line.strip())
        if match and match.group(2).startswith("images/"):
            names.append(match.group(2).removeprefix("images/"))
    return names


def _inline(text: str, link) -> str:
    out, position = [], 0
    for match in INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        bold, code, label, target = match.groups()
        if bold is not None:
            out.append(f"<strong>{_inline(bold, link)}</strong>")
        elif code is not None:
            out.append(f"<code>{escape(code)}</code>")
        else:
            url = link(target)
            if url:
                out.append(f'<a href="{escape(url)}">{escape(label)}</a>')
            else:
                out.append(escape(label))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _figure(alt: str, target: str, image) -> str:
    url = image(target)
    if not url:
        return f"<p>{escape(alt)}</p>"
    return (
        f'<figure class="figure d-block"><img class="figure-img img-fluid border rounded" '
        f'src="{escape(url)}" alt="{escape(alt)}" loading="lazy">'
        f'<figcaption class="figure-caption">{escape(alt)}</figcaption></figure>'
    )


def render(markdown: str, *, image, link) -> str:
    """HTML of the guide. image(target) and link(target) give the URL of an image or a link
    target, or None to drop it (its text stays)."""
    html, paragraph, items, list_tag = [], [], [], None

    def flush_paragraph():
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph), link)}</p>")
            paragraph.clear()

    def flush_list():
        nonlocal list_tag
        if list_tag:
            html.append(f"<{list_tag}>")
            for lines in items:
                parts, text = [], []
                for line in lines:
                    picture = IMAGE_LINE.match(line)
                    if picture:
                        if text:
                            parts.append(f"<div>{_inline(' '.join(text), link)}</div>")
                            text = []
                        parts.append(_figure(picture.group(1), picture.group(2), image))
                    elif line:
                        text.append(line)
                if text:
                    parts.append(f"<div>{_inline(' '.join(text), link)}</div>")
                html.append(f"<li>{''.join(parts)}</li>")
            html.append(f"</{list_tag}>")
        items.clear()
        list_tag = None

    for raw in markdown.splitlines():
        line = raw.strip()
        indented = raw.startswith((" ", "\t"))
        if not line:
            flush_paragraph()
            continue
        if list_tag and indented:
            items[-1].append(line)
            continue
        heading = HEADING.match(line)
        ordered = ORDERED.match(line)
        bullet = BULLET.match(line)
        picture = IMAGE_LINE.match(line)
        if heading:
            flush_paragraph()
            flush_list()
            level = len(heading.group(1))
            html.append(f"<h{level}>{_inline(heading.group(2), link)}</h{level}>")
        elif ordered or bullet:
            flush_paragraph()
            tag = "ol" if ordered else "ul"
            if list_tag != tag:
                flush_list()
                list_tag = tag
            items.append([(ordered or bullet).groups()[-1]])
        elif picture:
            flush_paragraph()
            flush_list()
            html.append(_figure(picture.group(1), picture.group(2), image))
        else:
            flush_list()
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    return "\n".join(html)
